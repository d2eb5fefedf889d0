#!/bin/sh
# Rebuilds the samples in this folder from a live make-samples process.
# Run as root (mount namespace, fanotify, setgroups): sh capture.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill -9 $pid $waiter 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O1 -Wall -pthread -o "$work/make-samples" "$here/make-samples.c"
mkdir "$work/scratch"
mkfifo "$work/out"
env -i A=1 'B=two words' EMPTY= "$work/make-samples" "$work/scratch" 'arg with space' '' last >"$work/out" &
pid=$!
: >"$here/made.txt"
while read -r line; do
  [ "$line" = ready ] && break
  echo "$line" >>"$here/made.txt"
done <"$work/out"
echo "pid $pid" >>"$here/made.txt"
waiter=$(awk '$1 == "lock-waiter" { print $2 }' "$here/made.txt")
sleep 0.2

# mountinfo: the root and the sample's own mounts, not the host's others
awk -v scratch="$work/scratch/" '$5 == "/" || index($5, scratch) == 1' "/proc/$pid/mountinfo" >"$here/mountinfo"
for name in stat status maps smaps timers auxv cmdline environ; do
  cat "/proc/$pid/$name" >"$here/$name"
done
cat /proc/locks >"$here/locks"
ls "/proc/$pid/task" >"$here/task"
for ns in /proc/$pid/ns/*; do echo "$(basename "$ns") $(readlink "$ns")"; done >"$here/ns"
for kind in eventfd epoll signalfd timerfd timerfd-abs inotify fanotify lock-posix lock-range lock-flock lock-ofd lease; do
  fd=$(awk -v k="$kind" '$1 == k { print $2 }' "$here/made.txt")
  cat "/proc/$pid/fdinfo/$fd" >"$here/fdinfo-$kind"
done
pages=$(awk '$1 == "mapped-pages" { print $2 }' "$here/made.txt")
dd if="/proc/$pid/pagemap" of="$here/pagemap" bs=8 skip=$(( pages / 4096 )) count=16 status=none
