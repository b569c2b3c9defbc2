"""Custom Rasa graph components: the spaCy loader and the answer-confidence gate."""
