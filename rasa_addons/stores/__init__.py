"""Where conversations and their locks are kept: the tracker and lock stores named in endpoints.yml."""
