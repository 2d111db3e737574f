"""`vats auditlog verify|checkpoint|prove|verify-proof|list|archive`: the tamper-evident audit log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from vats.cli.common import print_json
from vats.cli.db import DB_OPTION

MAX_DOCUMENT = 1 << 20

app = typer.Typer(help="审计日志 / Tamper-evident audit log", no_args_is_help=True, add_completion=False)


KEYS_OPTION = typer.Option(
    None,
    "--keys",
    help="公钥列表 JSON（/.well-known/vats-keys.json）/ public key list; default: the local keyring",
)


def _keys(path: Path | None) -> list[Any]:
    from vats.model import keyring

    if path is None:
        return keyring.Keyring().public_keys()
    return keyring.public_keys_from(_read_json(path, field="--keys"))


def _read_json(path: Path, *, field: str) -> dict[str, Any]:
    from vats.model.errors import InputError

    try:
        if path.stat().st_size > MAX_DOCUMENT:
            raise InputError(f"文件过大 / {path} is over {MAX_DOCUMENT} bytes", field=field)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"无法读取 JSON / cannot read JSON from {path}: {exc}", field=field) from None
    if not isinstance(data, dict):
        raise InputError(f"{path} 不是 JSON 对象 / is not a JSON object", field=field)
    return data


@app.command("verify")
def verify_command(
    checkpoint: Path | None = typer.Option(
        None,
        "--checkpoint",
        help="检查点文件：证明日志是其只追加延续 / prove the log extends this checkpoint",
    ),
    keys: Path | None = KEYS_OPTION,
    json_out: bool = typer.Option(False, "--json", help="JSON 输出 / JSON output"),
    db: str | None = DB_OPTION,
) -> None:
    """重算哈希链与默克尔树、比对在册记录 / Re-compute the SM3 chain and Merkle tree, compare every
    audited row with the log's last after-image, and (with --checkpoint) prove append-only; exit 6
    naming what is wrong."""
    from vats.model import checkpoint as cpm
    from vats.model.errors import IntegrityError
    from vats.store.auditlog import verify
    from vats.store.auditproof import check_checkpoint
    from vats.store.auditrows import mismatches
    from vats.store.audittree import archived_hashes
    from vats.store.db import cli_session

    cp = cpm.parse(_read_json(checkpoint, field="--checkpoint"), field="--checkpoint") if checkpoint else None
    public = _keys(keys) if cp is not None else []
    with cli_session(db, migrate=False) as session:
        result = verify(session)
        archived = bool(archived_hashes(session.connection())) or (
            result.ok and result.head_seq != result.entries
        )
        rows = list(mismatches(session, archived=archived)) if result.ok else []
        extension = check_checkpoint(session, cp, keys=public) if cp is not None and result.ok else None
    problems: list[str] = []
    if not result.ok:
        problems.append(result.describe())
    problems += [f"记录与日志不符 / row differs from the log: {m.describe()}" for m in rows]
    if extension is not None and not extension.ok:
        problems.append(extension.describe())
    if json_out:
        print_json(
            {
                "ok": not problems,
                "chain": result,
                "rows": [{"table": m.table, "id": m.id, "field": m.field} for m in rows],
                "checkpoint": extension,
            }
        )
    if problems:
        raise IntegrityError("\n".join(problems))
    if not json_out:
        sys.stdout.write(result.describe() + "\n")
        sys.stdout.write("在册记录与日志一致 / every audited row matches the log\n")
        if extension is not None:
            sys.stdout.write(extension.describe() + "\n")


@app.command("checkpoint")
def checkpoint_command(
    output: Path = typer.Option(..., "-o", "--output", help="检查点文件 / checkpoint file (JSON)"),
    db: str | None = DB_OPTION,
) -> None:
    """签发树头检查点（规模、根、时间，SM2 签名）/ Write a signed tree head to keep outside the database."""
    from vats.model.errors import RefusedError
    from vats.model.keyring import Keyring
    from vats.store.auditproof import make_checkpoint
    from vats.store.db import cli_session

    if output.exists():
        raise RefusedError(f"文件已存在，不覆盖 / {output} exists; not overwriting", field="--output")
    with cli_session(db, migrate=False) as session:
        cp = make_checkpoint(session, ring=Keyring())
    _write_new(output, cp.as_json())
    sys.stdout.write(
        f"检查点：{cp.size} 条，根 {cp.root.hex()}，密钥 {cp.kid} → {output} / "
        f"checkpoint of {cp.size} entries written to {output}\n"
    )


@app.command("prove")
def prove_command(
    entry: int = typer.Argument(..., min=1, help="审计记录序号 / audit entry number"),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="证明文件 / proof file (default: stdout)"
    ),
    checkpoint: Path | None = typer.Option(
        None, "--checkpoint", help="在此检查点下证明 / prove against a checkpoint the auditor holds"
    ),
    db: str | None = DB_OPTION,
) -> None:
    """生成包含证明，可离线验证 / An inclusion proof for one entry, verifiable offline."""
    from vats.model import checkpoint as cpm
    from vats.model.errors import RefusedError
    from vats.model.keyring import Keyring
    from vats.store.auditproof import prove
    from vats.store.db import cli_session

    under = (
        cpm.parse(_read_json(checkpoint, field="--checkpoint"), field="--checkpoint") if checkpoint else None
    )
    if output is not None and output.exists():
        raise RefusedError(f"文件已存在，不覆盖 / {output} exists; not overwriting", field="--output")
    with cli_session(db, migrate=False) as session:
        document = prove(session, seq=entry, ring=Keyring(), under=under)
    if output is None:
        print_json(document)
        return
    _write_new(output, document)
    sys.stdout.write(f"第 {entry} 条的包含证明 → {output} / inclusion proof of #{entry} written\n")


@app.command("verify-proof")
def verify_proof_command(
    proof: Path = typer.Argument(..., help="包含证明文件 / inclusion proof file"),
    keys: Path | None = KEYS_OPTION,
) -> None:
    """离线验证包含证明（只需公钥）/ Check an inclusion proof offline with public keys; exit 6 if not."""
    from vats.model.checkpoint import check_inclusion
    from vats.model.errors import IntegrityError

    document = _read_json(proof, field="proof")
    problem = check_inclusion(document, _keys(keys))
    if problem is not None:
        raise IntegrityError(f"包含证明不成立 / inclusion proof fails: {problem}", field="proof")
    sys.stdout.write(
        f"第 {document['seq']} 条在 {document['checkpoint']['size']} 条的已签名日志中 / "
        f"entry #{document['seq']} is in the signed log of {document['checkpoint']['size']} entries\n"
    )


def _write_new(path: Path, document: Any) -> None:
    """Write JSON to a file that must not exist yet (never overwrites evidence)."""
    from vats.model.errors import RefusedError

    try:
        with path.open("x", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
            out.write("\n")
    except FileExistsError:
        raise RefusedError(f"文件已存在，不覆盖 / {path} exists; not overwriting", field="--output") from None


@app.command("list")
def list_command(
    entity: str | None = typer.Option(None, "--entity", help="表名 / table, e.g. licences"),
    entity_id: str | None = typer.Option(None, "--id", help="记录编号 / record id"),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000),
    json_out: bool = typer.Option(False, "--json"),
    db: str | None = DB_OPTION,
) -> None:
    """最近的审计记录（新→旧）/ Recent audit entries, newest first."""
    from vats.model.auditentry import utc_text
    from vats.report.labels import AUDIT_ACTIONS, AUDIT_ENTITIES, audit_label
    from vats.store.auditlog import list_entries
    from vats.store.db import cli_session

    with cli_session(db, migrate=False) as session:
        rows = [
            {
                "seq": e.id,
                "at": utc_text(e.at),
                "actor": e.actor,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "action": e.action,
                "entity_zh": audit_label(AUDIT_ENTITIES, e.entity),
                "action_zh": audit_label(AUDIT_ACTIONS, e.action),
                "before": e.before,
                "after": e.after,
                "hash": e.hash,
            }
            for e in list_entries(session, entity=entity, entity_id=entity_id, limit=limit)
        ]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        sys.stdout.write(
            f"#{r['seq']:<7} {r['at']}  {r['actor']:<16} {r['action_zh']} {r['entity_zh']} "
            f"({r['entity']}:{r['entity_id']})\n"
        )


@app.command("archive")
def archive_command(
    before: str = typer.Option(
        ..., "--before", help="归档此日期之前的记录 / archive entries before DATE (UTC)"
    ),
    output: Path = typer.Option(..., "-o", "--output", help="归档文件（JSON 行）/ archive file (JSON lines)"),
    db: str | None = DB_OPTION,
) -> None:
    """归档保存期已满的审计记录 / Move audit entries past their retention period to a file (logged)."""
    from datetime import UTC, datetime

    from vats.cli.common import parse_date
    from vats.model.errors import RefusedError
    from vats.store.auditlog import archive
    from vats.store.db import cli_session

    day = parse_date(before, field="--before", default_today=False)
    if output.exists():
        raise RefusedError(f"文件已存在，不覆盖 / {output} exists; not overwriting", field="--output")
    with cli_session(db, migrate=False) as session:
        result = archive(session, before=datetime(day.year, day.month, day.day, tzinfo=UTC), path=str(output))
    sys.stdout.write(
        f"已归档 {result.archived} 条（#{result.first_seq}–#{result.last_seq}）至 {output} / "
        f"archived {result.archived} entries to {output}\n"
    )
