# English keeps Django's formats; listed so that every language of the award has a module here.
from django.conf.locale.en.formats import *  # noqa: F403
