"""mockvoice: a voice-driven mock interviewer for the recruiter stage, fully offline."""

__version__ = "0.1.0"
