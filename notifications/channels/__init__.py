"""Delivery channels behind one small interface (``Channel.send``)."""
