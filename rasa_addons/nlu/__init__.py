"""NLU graph components named in config.yml's pipeline: the spaCy loader and the answer-confidence gate."""
