#!/bin/bash
# Production-like run on one machine, end to end: PostgreSQL (DATABASE_URL server, a temporary
# database), DEBUG=0 with every HTTPS setting on, `check --deploy --fail-level WARNING`, migrate,
# collectstatic, seed_demo, gunicorn with 2 workers, two db_worker processes sharing the queue, and
# media in an S3 bucket (moto server on loopback, from requirements-dev.txt). Three exports are
# queued; the workers write them to the bucket; an organiser logs in over HTTP with
# X-Forwarded-Proto: https (as behind a TLS proxy) and downloads one through gunicorn.
#   PYTHON=.venv/bin/python bench/e2e_production.sh
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")
LOGS=$(mktemp -d /tmp/award-e2e-XXXX)
DB=award_e2e_$$
$PY -c "import psycopg; c=psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True); c.execute('DROP DATABASE IF EXISTS $DB WITH (FORCE)'); c.execute('CREATE DATABASE $DB')"
S3PORT=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
WEBPORT=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
"$BIN/moto_server" -H 127.0.0.1 -p $S3PORT > $LOGS/moto.log 2>&1 &
MOTO=$!
export DEBUG=0 SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(50))") ALLOWED_HOSTS=127.0.0.1 \
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB STATIC_ROOT=$LOGS/static \
  AWS_STORAGE_BUCKET_NAME=award-media AWS_S3_ENDPOINT_URL=http://127.0.0.1:$S3PORT AWS_S3_REGION_NAME=eu-central-1 \
  AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s AWS_S3_ADDRESSING_STYLE=path AWS_LOCATION=media \
  TRUST_X_FORWARDED_PROTO=1 BIND=127.0.0.1:$WEBPORT WEB_CONCURRENCY=2
sleep 2
$PY -c "import boto3; boto3.client('s3', endpoint_url='http://127.0.0.1:$S3PORT', region_name='eu-central-1', aws_access_key_id='k', aws_secret_access_key='s').create_bucket(Bucket='award-media', CreateBucketConfiguration={'LocationConstraint':'eu-central-1'})"
echo "== check --deploy"; $PY manage.py check --deploy --fail-level WARNING; echo "rc=$?"
$PY manage.py migrate -v0 && $PY manage.py collectstatic --noinput -v0 && echo migrated+collected
$PY manage.py seed_demo > $LOGS/seed.log 2>&1; echo "seed rc=$?"
"$BIN/gunicorn" -c python:award.gunicorn_conf award.wsgi > $LOGS/gunicorn.log 2>&1 &
WEB=$!
$PY manage.py db_worker > $LOGS/worker1.log 2>&1 &
W1=$!
$PY manage.py db_worker > $LOGS/worker2.log 2>&1 &
W2=$!
sleep 8
echo "== workers: $(pgrep -P $WEB | wc -l) gunicorn workers"
$PY - <<PYEOF
import os, re, time, urllib.request, urllib.error, http.cookiejar, urllib.parse, django, io
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "award.settings")
django.setup()
import boto3
from award.models import Edition, EditionRole, User
from award.enums import Role
from reports.models import ExportJob
from reports.services import export_start
base = "http://127.0.0.1:$WEBPORT"
edition = Edition.objects.order_by("-year").first()
org = EditionRole.objects.filter(edition=edition, role=Role.ORGANISER).select_related("user").first().user
org.set_password("e2e-organiser-password-2026"); org.save()
jobs = [export_start(edition=edition, kind=k, actor=org) for k in ("score_matrix", "juror_progress", "applications")]
deadline = time.time() + 120
while time.time() < deadline and ExportJob.objects.filter(pk__in=[j.pk for j in jobs], status="done").count() < len(jobs):
    time.sleep(1)
done = list(ExportJob.objects.filter(pk__in=[j.pk for j in jobs]).values_list("kind", "status", "file"))
print("exports by db_worker:", done)
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"], region_name="eu-central-1", aws_access_key_id="k", aws_secret_access_key="s")
keys = [o["Key"] for o in s3.list_objects_v2(Bucket="award-media").get("Contents", [])]
print("bucket:", keys)
policy = http.cookiejar.DefaultCookiePolicy()
policy.return_ok_secure = lambda cookie, request: True  # TLS ends at the (pretend) proxy
jar = http.cookiejar.CookieJar(policy)
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
H = {"X-Forwarded-Proto": "https"}
def get(path):
    return opener.open(urllib.request.Request(base + path, headers=H), timeout=30)
page = get("/accounts/login/").read().decode()
print("login page headers ok:", "csrfmiddlewaretoken" in page)
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"username": org.email, "password": "e2e-organiser-password-2026", "csrfmiddlewaretoken": token}).encode()
r = opener.open(urllib.request.Request(base + "/accounts/login/", data=data, headers={**H, "Referer": base.replace("http:", "https:") + "/accounts/login/"}), timeout=30)
print("login ->", r.status, r.url)
job = ExportJob.objects.get(pk=jobs[0].pk)
body = get(f"/reports/{edition.slug}/exports/{job.pk}/download").read()
obj = s3.get_object(Bucket="award-media", Key="media/" + job.file.name)["Body"].read()
print("export download through gunicorn equals the bucket object:", body == obj, len(body), "bytes")
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
try:
    urllib.request.build_opener(NoRedirect).open(base + "/accounts/login/", timeout=30)
except urllib.error.HTTPError as e:
    print("plain http (no proxy header) ->", e.code, e.headers["Location"])
r = get("/accounts/login/")
print("HSTS:", r.headers["Strict-Transport-Security"], "| CSP:", r.headers["Content-Security-Policy"][:40])
PYEOF
kill $W1 $W2 $WEB $MOTO
wait 2>/dev/null
grep -ci 'error\|traceback' $LOGS/gunicorn.log $LOGS/worker1.log $LOGS/worker2.log
$PY -c "import psycopg; c=psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True); c.execute('DROP DATABASE IF EXISTS $DB WITH (FORCE)')"
