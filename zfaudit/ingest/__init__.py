"""Exports → canonical tables: read every file as text (readers), type it in SQL
(typing_sql), stage it, quarantine what cannot be typed and write it in one transaction
(loader). Imports only the contract, db and workdays below it."""
