"""Domain operations shared by the HTML views, the JSON API and the CLI.

Every public function takes the acting user first, checks permission and state,
and commits its own transaction. Views never touch db.session.
"""
