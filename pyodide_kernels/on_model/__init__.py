"""Kernels built on the real model (``model``): what the chapters and labs ask of it. Each
module is one view of the same network: its next tokens and loss, its token and position
vectors, its attention, its residual stream, decoding rules, training, hardware and
quantization. They import ``model`` and ``maths``, never the labs.
"""
