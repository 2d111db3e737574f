"""`vats keys list|rotate`: the holder's SM2 signing keys (checkpoints, copies)."""

from __future__ import annotations

import sys

import typer

from vats.cli.common import print_json

app = typer.Typer(help="签名密钥 / SM2 signing keys", no_args_is_help=True, add_completion=False)


@app.command("list")
def list_command(json_out: bool = typer.Option(False, "--json")) -> None:
    """公钥列表（与 /.well-known/vats-keys.json 相同）/ The public keys, as published."""
    from vats.model.keyring import Keyring

    published = Keyring().published()
    if json_out:
        print_json(published)
        return
    for key in published["keys"]:
        state = f"停用 / retired {key['retired']}" if key["retired"] else "在用 / active"
        sys.stdout.write(f"{key['kid']}  {key['alg']}  {key['created']}  {state}\n")


@app.command("rotate")
def rotate_command() -> None:
    """更换签名密钥，旧公钥继续可验证 / Make a new signing key; old public keys keep verifying."""
    from vats.model.keyring import Keyring

    made = Keyring().rotate()
    sys.stdout.write(
        f"新密钥 / new key {made.kid}（旧密钥已停用，仍可验证 / old keys retired, still verify）\n"
    )
