"""Makes SQLite files that are not xpaste banks, with Python's own sqlite3 module (not our code):
`foreign PATH` a database with another program's table; `appid PATH` an empty database stamped
with another application id."""
import sqlite3
import sys

mode, path = sys.argv[1], sys.argv[2]
con = sqlite3.connect(path)
if mode == "foreign":
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('not a bank')")
elif mode == "appid":
    con.execute("PRAGMA application_id = 42")
else:
    raise SystemExit(f"unknown mode {mode}")
con.commit()
con.close()
