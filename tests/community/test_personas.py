from community.models import Member


def test_staff_roles_come_from_the_groups(agent: Member, moderator: Member, asker: Member) -> None:
    assert agent.is_agent and not agent.is_moderator
    assert moderator.is_moderator and not moderator.is_agent
    assert not asker.is_agent and not asker.is_moderator
    assert asker.role_label == ""
    assert agent.role_label == "Agent"


def test_a_superuser_is_both_agent_and_moderator(db: None) -> None:
    admin = Member.objects.create_superuser("boss", "boss@example.com", "x" * 12)
    assert admin.is_agent and admin.is_moderator
