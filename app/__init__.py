"""Dukan: offline point-of-sale for one shop, with the shop's credit book built in."""

__version__ = "0.1.0"
