"""The voice: pitch, volume, monotone stretches, pace over time, long sentences.

:mod:`~mockvoice.voice.report` holds the report, its bands and tips (pure Python);
:mod:`~mockvoice.voice.measure` measures them from the signal (numpy).
"""
