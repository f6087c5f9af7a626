"""Coordination: who does what where, gaps, instruments and indicators (domain.md section 6)."""
