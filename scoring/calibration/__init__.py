"""The ranking's numerical core: pure numpy/scipy over arrays, no Django import anywhere in it.

A loader turns a round's reviews into arrays (one entry per completed review: its total, its
project index, its juror index); the modules here fit and return plain results; a presenter
turns them into rows. See ``model.py`` for the model and every threshold.
"""
