"""Calibration to the record: a posterior over scenario parameters by pyabc's ABC-SMC.

See docs/calibration.md.
"""
