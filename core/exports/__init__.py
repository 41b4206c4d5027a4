"""One layout per form kind, rendered to HTML (screen preview and PDF) and to XLSX, and read back.

``layout.py`` describes a form's official layout as rows of cells; ``html.py`` and ``xlsx.py`` are the
two renderers; ``registry.py`` lists the exporters by form kind.
"""
