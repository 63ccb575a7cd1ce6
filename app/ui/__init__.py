"""The Qt window, its tabs and dialogs; talks to data only through app.services."""
