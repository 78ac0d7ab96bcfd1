"""The community's pages, a module per noun: lists (home, boards, tags, search), threads,
posts (answers) and members; what they share is in common."""
