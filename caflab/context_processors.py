from django.http import HttpRequest

from caflab.navigation import available_activities


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    activities = [
        {**activity, "current": request.path.startswith(activity["url"])}
        for activity in available_activities(authenticated=authenticated)
    ]
    return {"nav_activities": activities}
