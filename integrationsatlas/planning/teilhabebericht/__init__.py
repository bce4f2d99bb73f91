"""The kommunaler Integrations- und Teilhabebericht (SächsIntG § 26, KomIntAVO § 14) per Kreis and year.

`build` collects the figures, `document` holds them, `docx` and `render` write DOCX, HTML, PDF.
"""
