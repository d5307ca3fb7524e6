"""The annual report is the CafLab team's: they write its texts, ask for its builds and read
them. (The published PDF travels by other ways once it is out.)"""

import rules

from caflab.rules import is_caflab_staff

rules.add_perm("reporting.access_reports", is_caflab_staff)
rules.add_perm("reporting.request_report", is_caflab_staff)
rules.add_perm("reporting.write_report", is_caflab_staff)
