"""What the community app does when content changes: forget the cached pages it touched."""
