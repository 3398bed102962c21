from rest_framework import routers

# Every app registers its viewsets here from its own api module (imported by its AppConfig.ready
# or by award.urls), so that /api/v1/ is one router with one browsable index.
router = routers.DefaultRouter()
