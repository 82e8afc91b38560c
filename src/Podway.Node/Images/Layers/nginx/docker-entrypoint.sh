#!/bin/sh
# The official image's entrypoint, less what needs its envsubst templates: run /docker-entrypoint.d/*.sh when the
# command is nginx, then exec the command.
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    for f in /docker-entrypoint.d/*.sh; do
        [ -x "$f" ] && "$f"
    done
fi
exec "$@"
