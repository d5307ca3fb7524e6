"""Pages of COOPération: thin views over cooperation.selectors and cooperation.services.

Every page needs a login. A plan the user may not see is a 404, the same answer as a plan that
does not exist; a member without the right to do something (a lecteur posting) gets a 403.
"""
