"""/projets/: the fixed pages (programmes, calls, jury, incubation, partner search, creativity,
trainings) come first, then the portfolio and a project's pages under its address."""

from projects.urls_network import urlpatterns as network_patterns
from projects.urls_project import urlpatterns as project_patterns

app_name = "projects"

urlpatterns = network_patterns + project_patterns
