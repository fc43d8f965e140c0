# Helpers the benchmark scripts share; sourced, not run.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The median of the numbers on stdin, one per line (0 for none).
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# curl_push FILE DIGEST REPO: POST, then one streamed PUT of the bytes, to
# the registry at $HOST (exported, with the function, for `bash -c`).
curl_push() {
  local loc sep
  loc=$(curl -fsS -X POST -D - -o /dev/null "http://$HOST/v2/$3/blobs/uploads/" | awk 'tolower($1)=="location:" {print $2}' | tr -d '\r')
  case "$loc" in http*) ;; *) loc="http://$HOST$loc" ;; esac
  sep='?'; case "$loc" in *\?*) sep='&' ;; esac
  curl -fsS -T "$1" -H 'Content-Type: application/octet-stream' "${loc}${sep}digest=$2" -o /dev/null
}
export -f curl_push
