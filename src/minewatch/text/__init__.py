"""Facts about plain text that several stages share: month names, datelines, language tags.

At the bottom of the flow beside ``model.py``: ingest, stories and extract
import it; it imports nothing else of minewatch, so no stage has to reach back
into an earlier one for a table.
"""
