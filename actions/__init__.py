"""Custom actions for the iontophoresis FAQ assistant (run by the rasa-sdk action server)."""
