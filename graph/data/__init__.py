"""Training data as rows (pure): pairs from corrections, export row shapes, a JSONL reader.

Here, below both ``service`` and ``training``, because both need them: the store writes these
rows, training reads them back, and neither should import the other's insides.
"""
