"""Plateau: a training simulator for assistance call-centre agents."""

__version__ = "0.1.0"
