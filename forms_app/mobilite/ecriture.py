"""Writes of a vœu list: read the list once, decide, then write on condition that it has not moved.

A view reads the demande's vœux with their version in one query (loaders.liste_de_demande,
loaders.liste_du_voeu), checks the form's version against it, applies the rules (limit, duplicates,
rank moves) to what it read, and hands an Ecriture to ecrire(). The write happens only if the list is
still at the version read: every change of a list moves its version on in the same transaction, so
"still at that version" means "exactly the list the decision was made on". Otherwise nothing is
written and the caller answers 409 with the list as it is now.

On SQLite the statements run in one write transaction (the writer queue's turn). On PostgreSQL they
run as one statement, every part gated on the version update's RETURNING row: one round trip instead
of seven (BEGIN, version, vœux, audit, session, COMMIT…), atomic without a transaction of ours.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash
from flask import session as browser_session
from sqlalchemy import Integer, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ..comptes.sessions import session_row_params, session_saved
from ..core import audit
from ..core.clock import now, security_now
from ..core.db import AwareDateTime, autocommit_connection, get_session, write_transaction
from ..core.models import AuditEntry
from .models import Demande, Voeu


def flash_once(message: str, category: str = "message") -> None:
    """Flash a message unless the same one already waits to be shown (a client that never reads the
    page after its writes must not grow its session with copies)."""
    if (category, message) not in [tuple(item) for item in browser_session.get("_flashes", ())]:
        flash(message, category)


def instantane(row, rank: int | None = None) -> dict:
    """A vœu row as the audit log keeps it; rank: its new rank, when it moves."""
    # "numero", not "code": the audit log drops any key named "code" (TOTP codes).
    return {"rank": row.rank if rank is None else rank, "type": row.type, "numero": row.code,
            "type_etab": row.type_etab, "poste": row.poste}


def verrouiller(session: Session, demande_id: int, *, modifie: bool = True) -> None:
    """Lock the demande's row for this transaction, so two first writes of a lettre or a pièce queue up.

    modifie: the write changes the demande (the récapitulatif's "dernière modification").
    """
    if modifie:
        session.execute(update(Demande).where(Demande.id == demande_id)
                        .values(updated_at=now(), revision=Demande.revision + 1)
                        .execution_options(synchronize_session=False))
    else:
        session.execute(select(Demande.id).where(Demande.id == demande_id).with_for_update())


@dataclass
class Ecriture:
    """One change of a demande's vœu list, decided on the list read at version `version`."""

    demande_id: int
    version: int
    actor_id: int
    action: str
    before: dict
    after: dict
    supprimes: list[int] = field(default_factory=list)  # vœu ids taken out
    rangs: dict[int, int] = field(default_factory=dict)  # vœu id -> new rank, for those that move
    ajout: dict | None = None  # the new vœu's columns (rank, type, code, type_etab, libelle, poste)
    flash: tuple[str, str] | None = None  # (category, message) saved with the write, shown once


def version_du_formulaire(value: str | None) -> int | None:
    """The list version a form carries; None when it is no version a list can have (forged, garbled)."""
    try:
        version = int(value or "")
    except ValueError:
        return None
    # +1 must still fit the column: a forged 2**31-1 would otherwise end in a 500.
    return version if 0 <= version < 2**31 - 1 else None


def ecrire(ecriture: Ecriture) -> bool:
    """Apply the change if the list is still at ecriture.version; False (nothing written) otherwise.

    An IntegrityError (the same vœu added by another request meanwhile) leaves nothing written too.
    """
    single = autocommit_connection()
    session = get_session() if single is None else None
    session_params = session_row_params(ecriture.flash)
    values = {
        "demande_id": ecriture.demande_id, "expected": ecriture.version, "next": ecriture.version + 1,
        "now": now(), "at": security_now(), "actor_id": ecriture.actor_id, "action": ecriture.action,
        "target": f"demande:{ecriture.demande_id}", "before": audit.scrub(ecriture.before),
        "after": audit.scrub(ecriture.after), "address": audit.client_address(),
    }
    if single is not None or session.get_bind().dialect.name == "postgresql":
        done = _ecrire_en_une_instruction(single, session, ecriture, values, session_params)
    else:
        done = _ecrire_en_transaction(session, ecriture, values, session_params)
    if done:
        if ecriture.flash is not None:
            flash_once(ecriture.flash[1], ecriture.flash[0])
        session_saved(session_params)
    return done


_demandes, _voeux, _audit = Demande.__table__, Voeu.__table__, AuditEntry.__table__

_PRENDRE_VERSION = (
    update(_demandes)
    .where(_demandes.c.id == bindparam("demande_id"), _demandes.c.voeux_version == bindparam("expected"))
    .values(voeux_version=bindparam("next"), revision=_demandes.c.revision + 1, updated_at=bindparam("now"))
)
_DELETE_VOEU = _voeux.delete().where(_voeux.c.id == bindparam("voeu_id"))
_SET_RANK = update(_voeux).where(_voeux.c.id == bindparam("voeu_id")).values(rank=bindparam("b_rank"))
_INSERT_VOEU = _voeux.insert()
_INSERT_AUDIT = _audit.insert()
_SAVE_SESSION = text("UPDATE user_sessions SET data = :data, last_seen_at = :seen WHERE id_hash = :id_hash") \
    .bindparams(bindparam("seen", type_=AwareDateTime()))


def _ecrire_en_transaction(session: Session, ecriture: Ecriture, values: dict, session_params: dict | None) -> bool:
    with write_transaction(session):
        conn = session.connection()
        if conn.execute(_PRENDRE_VERSION, values).rowcount != 1:
            session.rollback()
            return False
        if ecriture.supprimes:
            conn.execute(_DELETE_VOEU, [{"voeu_id": vid} for vid in ecriture.supprimes])
        if ecriture.rangs:
            conn.execute(_SET_RANK, [{"voeu_id": vid, "b_rank": rank} for vid, rank in ecriture.rangs.items()])
        if ecriture.ajout is not None:
            conn.execute(_INSERT_VOEU, {**ecriture.ajout, "demande_id": ecriture.demande_id, "created_at": values["now"]})
        conn.execute(_INSERT_AUDIT, {k: values[k] for k in ("at", "actor_id", "action", "target", "before", "after",
                                                            "address")})
        if session_params is not None:
            conn.execute(_SAVE_SESSION, session_params)
    return True


# PostgreSQL: each part reads `taken` (the demande row whose version moved), so when the version check
# fails no part writes anything; all parts see one snapshot and commit together with the statement.
_PARTS = {
    "supprimes": "gone AS (DELETE FROM voeux WHERE id = ANY(:supprimes) AND demande_id IN (SELECT id FROM taken))",
    "rangs": ("ranked AS (UPDATE voeux SET rank = m.rank FROM unnest(:rang_ids, :rang_values) AS m(id, rank) "
              "WHERE voeux.id = m.id AND voeux.demande_id IN (SELECT id FROM taken))"),
    "ajout": ("added AS (INSERT INTO voeux (demande_id, rank, type, code, type_etab, libelle, poste, created_at) "
              "SELECT id, :a_rank, :a_type, :a_code, :a_type_etab, :a_libelle, :a_poste, :now FROM taken)"),
    "session": ("seen AS (UPDATE user_sessions SET data = :data, last_seen_at = :seen "
                "WHERE id_hash = :id_hash AND EXISTS (SELECT 1 FROM taken))"),
}
_TAKEN = ("WITH taken AS (UPDATE demandes SET voeux_version = :next, revision = revision + 1, updated_at = :now "
          "WHERE id = :demande_id AND voeux_version = :expected RETURNING id)")
_JOURNAL = ("journal AS (INSERT INTO audit_log (at, actor_id, action, target, before, after, address) "
            "SELECT :at, :actor_id, :action, :target, :before, :after, :address FROM taken)")
_STATEMENTS: dict[frozenset[str], object] = {}


def _statement(parts: frozenset[str]):
    """The statement for this set of parts, built once (a fixed text: the server prepares it once)."""
    statement = _STATEMENTS.get(parts)
    if statement is None:
        sql = ", ".join([_TAKEN, *(_PARTS[name] for name in _PARTS if name in parts), _JOURNAL])
        statement = text(sql + " SELECT count(*) FROM taken").bindparams(
            bindparam("now", type_=AwareDateTime()), bindparam("at", type_=AwareDateTime()),
            *([bindparam("seen", type_=AwareDateTime())] if "session" in parts else []),
            *([bindparam("supprimes", type_=ARRAY(Integer))] if "supprimes" in parts else []),
            *([bindparam("rang_ids", type_=ARRAY(Integer)), bindparam("rang_values", type_=ARRAY(Integer))]
              if "rangs" in parts else []),
        )
        _STATEMENTS[parts] = statement
    return statement


def _ecrire_en_une_instruction(single, session: Session | None, ecriture: Ecriture, values: dict,
                               session_params: dict | None) -> bool:
    """single: an autocommit connection (the statement is its own transaction, no BEGIN and COMMIT
    round trips); else the request's ORM session, already in use, whose transaction it joins."""
    parts = set()
    if ecriture.supprimes:
        parts.add("supprimes")
        values["supprimes"] = list(ecriture.supprimes)
    if ecriture.rangs:
        parts.add("rangs")
        values["rang_ids"], values["rang_values"] = list(ecriture.rangs), list(ecriture.rangs.values())
    if ecriture.ajout is not None:
        parts.add("ajout")
        values.update({f"a_{key}": value for key, value in ecriture.ajout.items()})
    if session_params is not None:
        parts.add("session")
        values.update(session_params)
    statement = _statement(frozenset(parts))
    if single is not None:
        return single.execute(statement, values).scalar_one() == 1
    with write_transaction(session):
        return session.connection().execute(statement, values).scalar_one() == 1
