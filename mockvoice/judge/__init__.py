"""The meaning judge: cues and rules with sentence embeddings (mockvoice.judge.meaning)."""
