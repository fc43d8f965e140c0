#!/usr/bin/env python3
"""A TUF repository of a Sigstore instance, for tests (python-tuf 7.0.1).

It publishes what a Sigstore TUF mirror publishes (tuf-repo-cdn.sigstore.dev,
tuf-repo.github.com): the targets `trusted_root.json` and, when given,
`signing_config.v0.2.json`, with consistent snapshots (`N.root.json`,
`timestamp.json`, `N.snapshot.json`, `N.targets.json`,
`targets/<sha256>.<name>`), and it can misbehave the ways a client must
refuse: expired metadata, rolled-back metadata.

Layout of DIR (made by `init`):
  DIR/repo/   what a mirror serves (point a client's mirror URL here)
  DIR/keys/   one ed25519 private key per role (PEM, unencrypted: test keys)
  DIR/repo/1.root.json is the initial root a client is bootstrapped with
  (`root` prints its path).

usage: python tuf_repo.py COMMAND DIR [options]

  init DIR --trusted-root F [--signing-config F] [--expires-days N]
      A new repository (root, targets, snapshot, timestamp at version 1).
      Prints the initial root's path.
  publish DIR [--trusted-root F] [--signing-config F] [--remove-signing-config]
      A rotation: new targets (the files given replace the published ones),
      then a new snapshot and timestamp.
  rotate-root DIR
      A new root key: root version N+1, signed by the old and the new key
      (so a client that trusts N follows it), then a new timestamp.
  expire DIR [--role timestamp|snapshot|targets]
      Re-sign ROLE (default timestamp) with a new version that expired
      yesterday, and whatever must pin it (snapshot, timestamp), valid.
  rollback DIR [--role timestamp|snapshot]
      Serve an older version, validly signed and unexpired: timestamp at the
      current version minus one, or a new timestamp pinning snapshot at the
      current version minus one (with that snapshot re-signed). Needs a
      repository that has been published at least once since init.
  root DIR
      Prints the path of the initial root (DIR/repo/1.root.json).
  serve DIR [--port P] [--port-file F]
      Serves DIR/repo over HTTP on 127.0.0.1 (port 0: a free one) until
      killed; prints `http://127.0.0.1:PORT` on stdout and, with
      --port-file, writes it there too (atomically, once listening).

Exit 0 on success, 1 when the repository cannot do what was asked, 2 on a
usage error.
"""

import argparse
import functools
import http.server
import json
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import (
    Key,
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

ROLES = ("root", "targets", "snapshot", "timestamp")
TRUSTED_ROOT = "trusted_root.json"
SIGNING_CONFIG = "signing_config.v0.2.json"
DEFAULT_DAYS = 365


class Refused(Exception):
    """The repository cannot do what was asked (exit 1)."""


def now():
    return datetime.now(timezone.utc).replace(microsecond=0)


def in_days(days):
    return now() + timedelta(days=days)


def write_atomic(path: Path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


class Repo:
    def __init__(self, base: Path):
        self.base = base
        self.repo = base / "repo"
        self.keys = base / "keys"

    # Keys -----------------------------------------------------------------

    def new_signer(self, role):
        signer = CryptoSigner.generate_ed25519()
        write_atomic(self.keys / f"{role}.pem", signer.private_bytes)
        return signer

    def signer(self, role):
        path = self.keys / f"{role}.pem"
        private = load_pem_private_key(path.read_bytes(), password=None)
        return CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))

    # Reading what is published ---------------------------------------------

    def root_version(self):
        versions = [
            int(p.name.split(".")[0])
            for p in self.repo.glob("*.root.json")
            if p.name.split(".")[0].isdigit()
        ]
        if not versions:
            raise Refused(f"{self.base}: no repository here (run init)")
        return max(versions)

    def load(self, name) -> Metadata:
        return Metadata.from_file(str(self.repo / name))

    def root(self) -> Metadata:
        return self.load(f"{self.root_version()}.root.json")

    def timestamp(self) -> Metadata:
        return self.load("timestamp.json")

    def snapshot(self) -> Metadata:
        version = self.timestamp().signed.snapshot_meta.version
        return self.load(f"{version}.snapshot.json")

    def targets(self) -> Metadata:
        version = self.snapshot().signed.meta["targets.json"].version
        return self.load(f"{version}.targets.json")

    # Writing ----------------------------------------------------------------

    def write(self, md: Metadata, name: str):
        data = md.to_bytes(JSONSerializer(compact=False))
        write_atomic(self.repo / name, data)
        return data

    def sign_and_write(self, md: Metadata, role: str, signers=None):
        md.signatures.clear()
        for signer in signers or [self.signer(role)]:
            md.sign(signer, append=True)
        version = md.signed.version
        if role == "timestamp":
            return self.write(md, "timestamp.json")
        data = self.write(md, f"{version}.{role}.json")
        if role == "root":
            self.write(md, "root.json")
        return data

    def add_target(self, targets: Targets, path: Path, name: str):
        data = path.read_bytes()
        target = TargetFile.from_data(name, data, ["sha256"])
        targets.targets[name] = target
        digest = target.hashes["sha256"]
        write_atomic(self.repo / "targets" / f"{digest}.{name}", data)

    def publish_snapshot(self, targets_version, snapshot_version, expires, ts_version=None, ts_expires=None):
        snapshot = Metadata(
            Snapshot(
                version=snapshot_version,
                expires=expires,
                meta={"targets.json": MetaFile(version=targets_version)},
            )
        )
        self.sign_and_write(snapshot, "snapshot")
        self.publish_timestamp(
            snapshot_version,
            ts_version if ts_version is not None else self.next_timestamp_version(),
            ts_expires or in_days(DEFAULT_DAYS),
        )

    def next_timestamp_version(self):
        path = self.repo / "timestamp.json"
        if not path.exists():
            return 1
        return self.timestamp().signed.version + 1

    def publish_timestamp(self, snapshot_version, version, expires):
        timestamp = Metadata(
            Timestamp(
                version=version,
                expires=expires,
                snapshot_meta=MetaFile(version=snapshot_version),
            )
        )
        self.sign_and_write(timestamp, "timestamp")


def cmd_init(args):
    repo = Repo(args.dir)
    if (repo.repo / "1.root.json").exists():
        raise Refused(f"{args.dir}: a repository is already here")
    signers = {role: repo.new_signer(role) for role in ROLES}
    days = args.expires_days
    root = Root(expires=in_days(days), consistent_snapshot=True)
    for role, signer in signers.items():
        root.add_key(signer.public_key, role)
    md = Metadata(root)
    repo.sign_and_write(md, "root")
    targets = Targets(version=1, expires=in_days(days))
    repo.add_target(targets, args.trusted_root, TRUSTED_ROOT)
    if args.signing_config:
        repo.add_target(targets, args.signing_config, SIGNING_CONFIG)
    repo.sign_and_write(Metadata(targets), "targets")
    repo.publish_snapshot(1, 1, in_days(days), 1, in_days(days))
    print(repo.repo / "1.root.json")


def cmd_publish(args):
    repo = Repo(args.dir)
    current = repo.targets().signed
    targets = Targets(version=current.version + 1, expires=in_days(DEFAULT_DAYS))
    targets.targets = dict(current.targets)
    if args.remove_signing_config:
        targets.targets.pop(SIGNING_CONFIG, None)
    if args.trusted_root:
        repo.add_target(targets, args.trusted_root, TRUSTED_ROOT)
    if args.signing_config:
        repo.add_target(targets, args.signing_config, SIGNING_CONFIG)
    repo.sign_and_write(Metadata(targets), "targets")
    snapshot_version = repo.snapshot().signed.version + 1
    repo.publish_snapshot(targets.version, snapshot_version, in_days(DEFAULT_DAYS))
    print(f"targets v{targets.version}, snapshot v{snapshot_version}")


def cmd_rotate_root(args):
    repo = Repo(args.dir)
    old = repo.root()
    old_signer = repo.signer("root")
    new_signer = repo.new_signer("root")
    root = old.signed
    for keyid in list(root.roles["root"].keyids):
        root.revoke_key(keyid, "root")
    root.add_key(new_signer.public_key, "root")
    root.version += 1
    root.expires = in_days(DEFAULT_DAYS)
    # Signed by the old key (the trusted root's threshold) and the new one
    # (its own), as the TUF rules for a root update require.
    repo.sign_and_write(Metadata(root), "root", [old_signer, new_signer])
    snapshot = repo.snapshot().signed
    repo.publish_timestamp(snapshot.version, repo.next_timestamp_version(), in_days(DEFAULT_DAYS))
    print(f"root v{root.version}")


def cmd_expire(args):
    repo = Repo(args.dir)
    past = now() - timedelta(days=1)
    if args.role == "timestamp":
        snapshot = repo.snapshot().signed
        repo.publish_timestamp(snapshot.version, repo.next_timestamp_version(), past)
    elif args.role == "snapshot":
        targets = repo.targets().signed
        repo.publish_snapshot(targets.version, repo.snapshot().signed.version + 1, past)
    else:
        current = repo.targets().signed
        current.version += 1
        current.expires = past
        repo.sign_and_write(Metadata(current), "targets")
        repo.publish_snapshot(
            current.version, repo.snapshot().signed.version + 1, in_days(DEFAULT_DAYS)
        )
    print(f"{args.role} expired at {past.isoformat()}")


def cmd_rollback(args):
    repo = Repo(args.dir)
    timestamp = repo.timestamp().signed
    if args.role == "timestamp":
        if timestamp.version < 2:
            raise Refused("timestamp is at version 1: publish first, then roll back")
        repo.publish_timestamp(
            timestamp.snapshot_meta.version, timestamp.version - 1, in_days(DEFAULT_DAYS)
        )
        print(f"timestamp v{timestamp.version - 1} (was v{timestamp.version})")
    else:
        snapshot = repo.snapshot().signed
        if snapshot.version < 2:
            raise Refused("snapshot is at version 1: publish first, then roll back")
        older = Metadata(
            Snapshot(
                version=snapshot.version - 1,
                expires=in_days(DEFAULT_DAYS),
                meta=dict(snapshot.meta),
            )
        )
        repo.sign_and_write(older, "snapshot")
        repo.publish_timestamp(
            snapshot.version - 1, timestamp.version + 1, in_days(DEFAULT_DAYS)
        )
        print(f"snapshot v{snapshot.version - 1} (was v{snapshot.version})")


def cmd_root(args):
    repo = Repo(args.dir)
    path = repo.repo / "1.root.json"
    if not path.exists():
        raise Refused(f"{args.dir}: no repository here (run init)")
    print(path)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


def cmd_serve(args):
    repo = Repo(args.dir)
    if not (repo.repo / "1.root.json").exists():
        raise Refused(f"{args.dir}: no repository here (run init)")
    handler = functools.partial(QuietHandler, directory=str(repo.repo))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    if args.port_file:
        write_atomic(args.port_file, (url + "\n").encode())
    print(url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def main(argv):
    parser = argparse.ArgumentParser(
        prog="tuf_repo.py", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, func):
        p = sub.add_parser(name)
        p.add_argument("dir", type=Path, metavar="DIR")
        p.set_defaults(func=func)
        return p

    p = command("init", cmd_init)
    p.add_argument("--trusted-root", type=Path, required=True)
    p.add_argument("--signing-config", type=Path)
    p.add_argument("--expires-days", type=int, default=DEFAULT_DAYS)
    p = command("publish", cmd_publish)
    p.add_argument("--trusted-root", type=Path)
    p.add_argument("--signing-config", type=Path)
    p.add_argument("--remove-signing-config", action="store_true")
    command("rotate-root", cmd_rotate_root)
    p = command("expire", cmd_expire)
    p.add_argument("--role", choices=["timestamp", "snapshot", "targets"], default="timestamp")
    p = command("rollback", cmd_rollback)
    p.add_argument("--role", choices=["timestamp", "snapshot"], default="timestamp")
    command("root", cmd_root)
    p = command("serve", cmd_serve)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", type=Path)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except Refused as e:
        print(f"tuf_repo.py: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as e:
        print(f"tuf_repo.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
