"""The input channel named in credentials.yml: the REST webhook the web chat calls, and its rate limits."""
