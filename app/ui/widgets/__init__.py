"""Small widgets shared by the tabs."""
