"""Exports of the pages to Excel and CSV: ``writers`` streams tables out,
``tables`` says what each export holds."""
