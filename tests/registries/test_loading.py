"""The registries' records as the registries process serves them.

The catalogue (``REGISTRIES``, ``select``, ``subject_kind``, ``is_valid_field``) needs no database
and is tested here in-process, against the shipped procedure specs too. Loading and ``fetch``
need the registries' own project and database, never the platform's: ``motcua-registries
migrate`` and ``generate`` run as subprocesses against a throw-away database (SQLite, or a
PostgreSQL database of its own when the suite runs on PostgreSQL), and records are read by a
small ``motcua-registries shell`` script that prints JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from motcua.demo import people as demo
from motcua.demo.accounts import DEMO_ACCOUNTS
from motcua.registries.data.generator import COLUMNS, REFERENCE_DATE, dataset_digest, generate
from motcua.registries.data.records import REGISTRIES, fetch, is_valid_field, select, subject_kind

SPECS = Path(__file__).resolve().parents[2] / "src" / "motcua" / "catalog" / "specs" / "procedures"
BIN = Path(sys.executable).parent / "motcua-registries"
SEED, SIZE = 3, 1_500


# --- the catalogue, in-process -----------------------------------------------------------------
def spec_files() -> list[Path]:
    files = sorted(SPECS.glob("*.yaml"))
    assert files
    return files


@pytest.mark.parametrize("path", spec_files(), ids=lambda path: path.stem)
def test_every_field_the_procedure_specs_ask_for_is_valid(path):
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    asked = [
        (component["registry"], field)
        for component in spec.get("components", [])
        if component.get("kind") == "data"
        for field in component["fields"]
    ]
    for prop in (spec.get("form") or {}).get("properties", {}).values():
        if isinstance(prop, dict) and "x-prefill" in prop:
            registry, _dot, field = prop["x-prefill"].partition(".")
            asked.append((registry, field))
    for registry, field in asked:
        assert registry in REGISTRIES, (path.name, registry)
        assert is_valid_field(registry, field), (path.name, registry, field)


def test_registry_definitions():
    assert set(REGISTRIES) == {
        "population", "civil_status", "residence", "enterprise", "land", "social_insurance",
        "health_insurance", "driving_licence", "vehicle", "judicial_records", "traffic_fines",
        "identity_card", "passport", "electricity", "education",
    }  # fmt: skip
    assert {code for code, definition in REGISTRIES.items() if definition.multiple} == {
        "land", "vehicle", "traffic_fines", "passport", "electricity",
    }  # fmt: skip
    assert REGISTRIES["traffic_fines"].subject_kinds == {"person", "enterprise", "plate"}
    assert is_valid_field("traffic_fines", "payment.reference")
    assert REGISTRIES["land"].subject_kinds == REGISTRIES["vehicle"].subject_kinds == {"person", "enterprise"}
    assert REGISTRIES["enterprise"].subject_kinds == {"enterprise"}
    assert REGISTRIES["population"].subject_kinds == {"person"}
    for path in ("permanent_residence", "permanent_residence.address", "household.relation_to_head"):
        assert is_valid_field("population", path)
    for path in ("unemployment_insurance", "unemployment_insurance.last_employer.name"):
        assert is_valid_field("social_insurance", path)
    # Lists are leaves: no path goes inside them.
    assert is_valid_field("land", "holders")
    assert not is_valid_field("land", "holders.name")
    assert not is_valid_field("residence", "residence_history.address")
    assert not is_valid_field("population", "permanent_residence.since")  # only the residence registry has it
    assert not is_valid_field("population", "")
    assert not is_valid_field("nowhere", "full_name")


def test_subject_kind():
    for account in DEMO_ACCOUNTS:
        assert subject_kind(account.personal_id) == "person"
    assert subject_kind("0109876543") == "enterprise"
    assert subject_kind("0109876543-001") == "enterprise"
    for bad in ("999086027419", "001986027419"[:11], "0010860274190", " 01086027419", "00108602741x",
                "0109876543-01", "0109876543-0011", "010987654", "", "abc"):  # fmt: skip
        assert subject_kind(bad) is None, bad
    assert subject_kind("001999027419") is None  # century/sex digit 9: born in 2399
    assert subject_kind("001299027419") is None  # born in 2099, a year still to come


def test_select_keeps_only_the_requested_paths():
    record = {
        "a": {"b": 1, "c": {"d": 2, "e": 3}},
        "f": [{"g": 4}],
        "h": None,
        "i": "text",
    }
    assert select(record, ["a.b"]) == {"a": {"b": 1}}
    assert select(record, ["a.c.d", "a.b"]) == {"a": {"c": {"d": 2}, "b": 1}}
    assert select(record, ["a", "a.b"]) == {"a": record["a"]}
    assert select(record, ["a.b", "a"]) == {"a": record["a"]}
    assert select(record, ["f", "i"]) == {"f": [{"g": 4}], "i": "text"}
    assert select(record, ["h.x"]) == {"h": None}  # a null subtree stays null
    assert select(record, ["missing", "i.x"]) == {}
    assert select(record, []) == {}
    assert select([record, {"a": {"b": 5}}], ["a.b"]) == [{"a": {"b": 1}}, {"a": {"b": 5}}]
    assert record["a"] == {"b": 1, "c": {"d": 2, "e": 3}}  # the record itself is left alone


def test_fetch_refuses_an_unknown_registry_before_touching_a_database():
    with pytest.raises(LookupError, match="nowhere"):
        fetch("nowhere", demo.MINH.personal_id)


# --- the registries' database, in subprocesses -------------------------------------------------
class Registries:
    """A throw-away registries database and the ``motcua-registries`` command against it."""

    def __init__(self, directory: Path, database_url: str) -> None:
        self.directory = directory
        self.database_url = database_url
        self.env = {
            **os.environ,
            "MOTCUA_ENV": "test",
            "MOTCUA_VAR_DIR": str(directory / "var"),
            "MOTCUA_REGISTRIES_DATABASE_URL": database_url,
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(BIN), *arguments], env=self.env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr
        return done

    def shell(self, code: str) -> Any:
        """Run ``code`` in the registries' Django shell; it must end by printing one JSON value."""
        done = self.run("shell", "--no-imports", "-v", "0", "-c", textwrap.dedent(code))
        return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_database(name: str) -> tuple[str, Any] | None:
    """A fresh PostgreSQL database on the server the suite runs on, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    server: dict[str, Any] = {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": int(settings.get("PORT") or 5432),
        "user": settings.get("USER") or "postgres",
        "password": settings.get("PASSWORD") or None,
    }
    admin = psycopg.connect(dbname="postgres", autocommit=True, **server)
    admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}", admin


@pytest.fixture(scope="module")
def registries(tmp_path_factory) -> Iterator[Registries]:
    directory = tmp_path_factory.mktemp("registries")
    name = f"motcua_registries_test_{os.getpid()}"
    postgres = _postgres_database(name)
    url = postgres[0] if postgres else f"sqlite:///{directory / 'registries.sqlite3'}"
    instance = Registries(directory, url)
    try:
        instance.run("migrate", "--noinput", "-v", "0")
        instance.generated = instance.run("generate", "--seed", str(SEED), "--size", str(SIZE))  # type: ignore[attr-defined]
        yield instance
    finally:
        if postgres:
            postgres[1].execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            postgres[1].close()


@pytest.fixture(scope="module")
def expected_counts() -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    for key, rows in generate(SEED, SIZE):
        counts[key] += len(rows)
    return counts


def test_migrations_match_the_models(registries):
    registries.run("makemigrations", "registry_data", "--check", "--dry-run")


def test_generator_columns_match_the_model_columns(registries):
    columns = registries.shell("""
        import json
        from motcua.registries.data.models import DATA_MODELS
        print(json.dumps({key: [f.column for f in model._meta.concrete_fields if f.column != "id"]
                          for key, model in DATA_MODELS.items()}))
    """)
    assert columns == {key: list(names) for key, names in COLUMNS.items()}


def test_generate_loads_the_dataset_and_records_the_generation(registries, expected_counts):
    assert f"Generated seed {SEED} with {SIZE:,} people" in registries.generated.stdout
    loaded = registries.shell("""
        import json
        from motcua.registries.data.models import DATA_MODELS, Generation
        last = Generation.objects.get()
        print(json.dumps({"seed": last.seed, "size": last.size, "digest": last.digest, "counts": last.counts,
                          "tables": {key: model.objects.count() for key, model in DATA_MODELS.items()}}))
    """)
    assert (loaded["seed"], loaded["size"]) == (SEED, SIZE)
    assert loaded["digest"] == dataset_digest(SEED, SIZE)  # what was written is what the generator makes
    assert loaded["counts"] == loaded["tables"] == expected_counts


FETCH_ALL = """
    import json
    from motcua.registries.data.records import REGISTRIES, fetch
    subjects = {subjects!r}
    print(json.dumps({{subject: {{registry: fetch(registry, subject) for registry in REGISTRIES
                                  if kind in REGISTRIES[registry].subject_kinds}}
                      for subject, kind in subjects.items()}}))
"""


def paths(record: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(record, dict):
        for name, value in record.items():
            found.add(prefix + name)
            found |= paths(value, f"{prefix}{name}.") if isinstance(value, dict) else set()
    return found


@pytest.fixture(scope="module")
def demo_records(registries) -> dict[str, dict[str, Any]]:
    subjects = {account.personal_id: "person" for account in DEMO_ACCOUNTS}
    subjects[demo.DEMO_COMPANY[0]] = "enterprise"
    records: dict[str, dict[str, Any]] = registries.shell(FETCH_ALL.format(subjects=subjects))
    minh = records[demo.MINH.personal_id]
    wife = minh["population"]["spouse_personal_id"]
    records.update(registries.shell(FETCH_ALL.format(subjects={wife: "person"})))
    husband = records[demo.HOA.personal_id]["civil_status"]["marriage"]["spouse_personal_id"]
    records.update(registries.shell(FETCH_ALL.format(subjects={husband: "person"})))
    return records


def test_records_have_the_shape_the_registries_declare(demo_records):
    for subject, by_registry in demo_records.items():
        for registry, record in by_registry.items():
            if record is None:
                continue
            definition = REGISTRIES[registry]
            items = record if definition.multiple else [record]
            assert isinstance(record, list) == definition.multiple
            for item in items:
                assert paths(item) <= definition.fields, (subject, registry, paths(item) - definition.fields)
                assert set(item) == {path for path in definition.fields if "." not in path}, (
                    subject,
                    registry,
                )
            json.dumps(record)  # serialisable as it is


def test_the_demo_family_agrees_across_registries(demo_records):
    minh = demo_records[demo.MINH.personal_id]
    child = demo_records[demo.MINH_ANH.personal_id]
    population, residence, civil = minh["population"], minh["residence"], minh["civil_status"]
    wife_id = population["spouse_personal_id"]
    wife = demo_records[wife_id]

    assert population["full_name"] == "Nguyễn Văn Minh"
    assert population["date_of_birth"] == "1986-04-12"
    address = {key: value for key, value in residence["permanent_residence"].items() if key != "since"}
    assert population["permanent_residence"] == address
    assert address["commune_code"] == demo.BA_DINH
    assert address["province_code"] == "01"
    assert address["address"] == "Số 12 ngõ 45 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội"
    for member in (child, wife):
        assert member["population"]["permanent_residence"] == address
        assert member["residence"]["household"]["number"] == residence["household"]["number"]
    assert residence["household"]["members"] == [demo.MINH.personal_id, wife_id, demo.MINH_ANH.personal_id]
    assert residence["household"]["head_personal_id"] == demo.MINH.personal_id

    assert civil["marital_status"] == "married"
    assert civil["divorce"] is None
    assert civil["marriage"] == {
        "registered_on": "2015-10-10",
        "spouse_personal_id": wife_id,
        "commune_code": demo.BA_DINH,
    }
    assert civil["spouse"] == {"personal_id": wife_id, "full_name": wife["population"]["full_name"]}
    assert wife["civil_status"]["spouse_personal_id"] == demo.MINH.personal_id
    assert civil["children_personal_ids"] == [demo.MINH_ANH.personal_id]
    assert wife["civil_status"]["children_personal_ids"] == [demo.MINH_ANH.personal_id]
    birth = child["civil_status"]["birth"]
    assert (birth["father_personal_id"], birth["mother_personal_id"]) == (demo.MINH.personal_id, wife_id)
    assert birth["commune_code"] == demo.BA_DINH
    assert birth["registered_on"] >= "2018-06-15"
    assert child["civil_status"]["father"] == {
        "personal_id": demo.MINH.personal_id,
        "full_name": "Nguyễn Văn Minh",
    }
    assert child["population"]["place_of_birth"] == "Phường Ba Đình, Thành phố Hà Nội"
    assert wife["population"]["date_of_birth"].startswith("1988")
    assert wife_id.startswith("001")

    insurance, card = minh["social_insurance"], minh["health_insurance"]
    assert insurance["insured"] is True
    assert card["card_number"].endswith(insurance["insurance_number"])
    assert insurance["unemployment_insurance"]["last_employer"] == {
        "enterprise_code": demo.DEMO_COMPANY[0], "name": demo.DEMO_COMPANY[1]
    }  # fmt: skip
    assert minh["driving_licence"]["classes"] == ["A1", "B"]
    assert minh["driving_licence"]["status"] == "valid"
    plates = sorted((vehicle["plate"] or "") for vehicle in minh["vehicle"])
    assert plates == ["", demo.MINH_MOTORCYCLE[4]]
    unregistered = next(vehicle for vehicle in minh["vehicle"] if vehicle["plate"] is None)
    assert unregistered["registered_on"] is None
    assert unregistered["registration_tax_paid"] is True
    (parcel,) = minh["land"]
    assert parcel["parcel_id"] == demo.MINH_PARCEL_ID
    assert parcel["land_use"] == "ODT"
    assert {holder["personal_id"] for holder in parcel["holders"]} == {demo.MINH.personal_id, wife_id}
    assert parcel["holders"][1]["name"] == wife["population"]["full_name"]
    assert parcel in wife["land"]
    assert minh["judicial_records"] == {"convictions": [], "bans_on_holding_positions": []}
    assert child["health_insurance"]["contribution_group"] in {"child_under_6", "student"}


def test_the_other_demo_people(demo_records):
    company = demo_records[demo.DEMO_COMPANY[0]]
    thu_ha = demo_records[demo.THU_HA.personal_id]
    assert company["enterprise"]["name"] == demo.DEMO_COMPANY[1]
    assert company["enterprise"]["legal_representative"] == {
        "personal_id": demo.THU_HA.personal_id, "full_name": "Trần Thị Thu Hà"
    }  # fmt: skip
    assert company["enterprise"]["head_office_commune_code"] == demo.NGOC_HA
    assert company["enterprise"]["head_office_address"].endswith("Phường Ngọc Hà, Thành phố Hà Nội")
    assert [vehicle["plate"] for vehicle in company["vehicle"]] == [None]
    assert thu_ha["population"]["permanent_residence"]["province_code"] == "79"
    assert thu_ha["population"]["full_name"] == company["enterprise"]["legal_representative"]["full_name"]

    hung = demo_records[demo.HUNG.personal_id]
    assert hung["population"]["marital_status"] == hung["civil_status"]["marital_status"] == "divorced"
    assert hung["civil_status"]["divorce"] == {"recorded_on": demo.HUNG_DIVORCE_ON.isoformat()}
    assert hung["civil_status"]["spouse"] is None
    assert hung["population"]["spouse_personal_id"] is None
    assert len(hung["civil_status"]["children_personal_ids"]) == 1
    (conviction,) = hung["judicial_records"]["convictions"]
    assert conviction["expunged"] is True
    assert conviction["judgement_number"] == "45/2009/HS-ST"
    assert hung["population"]["permanent_residence"]["province_code"] == "38"

    lan = demo_records[demo.LAN.personal_id]
    assert lan["population"]["permanent_residence"]["commune_code"] == demo.HAI_CHAU
    assert lan["civil_status"]["father"] is not None
    assert lan["civil_status"]["mother"] is not None
    assert lan["judicial_records"] == {"convictions": [], "bans_on_holding_positions": []}

    nam = demo_records[demo.NAM.personal_id]["social_insurance"]
    closed = date.fromisoformat(nam["unemployment_insurance"]["contributions_closed_on"])
    assert nam["insured"] is False
    assert nam["months_contributed"] >= 12
    assert nam["unemployment_insurance"]["months_contributed"] >= 12
    assert 0 < (REFERENCE_DATE - closed).days <= 92
    assert nam["unemployment_insurance"]["last_employer"]["name"]

    hoa = demo_records[demo.HOA.personal_id]
    husband_id = hoa["civil_status"]["marriage"]["spouse_personal_id"]
    husband = demo_records[husband_id]
    assert hoa["civil_status"]["marital_status"] == "widowed"
    assert hoa["civil_status"]["spouse"] is None
    assert hoa["social_insurance"]["pension_status"] == "receiving"
    assert hoa["health_insurance"]["contribution_group"] == "retired"
    assert husband["population"]["status"] == "deceased"
    assert husband["population"]["died_on"] == demo.HOA_HUSBAND_DIED_ON.isoformat()
    assert husband["population"]["permanent_residence"] is None
    assert husband["residence"]["household"] is None
    assert husband["civil_status"]["death"] == {
        "died_on": demo.HOA_HUSBAND_DIED_ON.isoformat(),
        "registered_on": demo.HOA_HUSBAND_DEATH_REGISTERED_ON.isoformat(),
        "commune_code": demo.THANH_VINH,
    }
    last_home = husband["residence"]["residence_history"][-1]
    assert last_home["commune_code"] == demo.THANH_VINH
    assert last_home["to"] == demo.HOA_HUSBAND_DIED_ON.isoformat()


def test_unknown_subjects_and_clean_records(registries):
    answers = registries.shell("""
        import json
        from motcua.registries.data.models import Enterprise
        from motcua.registries.data.records import fetch
        branches = Enterprise.objects.filter(enterprise_code__contains="-")
        branch = branches.values_list("enterprise_code", flat=True).first()
        print(json.dumps({
            "unknown_person": [fetch(r, "001086999999") for r in ("population", "judicial_records", "land")],
            "unknown_enterprise": fetch("enterprise", "0100000001"),
            "branch": fetch("enterprise", branch) if branch else None,
        }))
    """)
    assert answers["unknown_person"] == [None, None, None]
    assert answers["unknown_enterprise"] is None
    if answers["branch"] is not None:
        assert answers["branch"]["kind"] == "Chi nhánh"
        assert "-" in answers["branch"]["enterprise_code"]


def test_each_fetch_is_at_most_three_indexed_queries(registries):
    report = registries.shell(f"""
        import json
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from motcua.registries.data.records import REGISTRIES, fetch
        report = {{}}
        for registry, definition in REGISTRIES.items():
            subject = {demo.DEMO_COMPANY[0]!r} if registry == "enterprise" else {demo.MINH.personal_id!r}
            with CaptureQueriesContext(connection) as queries:
                fetch(registry, subject)
            plans = []
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    for query in queries.captured_queries:
                        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                        plans += [row[-1] for row in cursor.fetchall()]
            report[registry] = {{"queries": len(queries), "plans": plans, "vendor": connection.vendor}}
        print(json.dumps(report))
    """)
    for registry, seen in report.items():
        assert 1 <= seen["queries"] <= 3, (registry, seen)
        if seen["vendor"] == "sqlite":  # PostgreSQL plans tiny tables with sequential scans anyway
            assert any(step.startswith("SEARCH") for step in seen["plans"]), (registry, seen)
            assert not [step for step in seen["plans"] if step.startswith("SCAN")], (registry, seen["plans"])


def test_if_unchanged_skips_an_identical_run_and_not_another(registries):
    again = registries.run("generate", "--seed", str(SEED), "--size", str(SIZE), "--if-unchanged")
    assert again.stdout.startswith(f"Unchanged: the registries already hold seed {SEED} with {SIZE:,} people")
    state = """
        import json
        from motcua.registries.data.models import Generation, Person
        print(json.dumps([[g.seed, g.size] for g in Generation.objects.all()] + [Person.objects.count()]))
    """
    assert registries.shell(state) == [[SEED, SIZE], SIZE]
    other = registries.run("generate", "--seed", str(SEED + 1), "--size", "400", "--if-unchanged")
    assert other.stdout.startswith(f"Generated seed {SEED + 1} with 400 people")
    assert registries.shell(state) == [[SEED + 1, 400], 400]  # the old rows and their generation are gone


def test_a_size_too_small_is_refused_before_anything_is_emptied(registries):
    refused = subprocess.run(
        [str(BIN), "generate", "--size", str(demo.DEMO_PERSON_COUNT - 1)],
        env=registries.env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert f"--size must be at least {demo.DEMO_PERSON_COUNT}" in refused.stderr
    count = "from motcua.registries.data.models import Person; print(Person.objects.count())"
    assert registries.shell(count) == 400
