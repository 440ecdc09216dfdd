"""Marshmallow schemas of the API: what reads return (dump) and what writes accept (load)."""
from datetime import UTC

import marshmallow as ma
from marshmallow import fields

from app.api.common import actor, money, slugs, string
from app.models import CaseReviewState, Deployment, NeedStatus, OrgSize
from app.services.permissions import can_edit_offer


class UtcDateTime(fields.DateTime):
    """Stored times are naive UTC: written with their offset (RFC 3339), e.g. 2026-11-26T00:20:42+00:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Slug(ma.Schema):
    slug = fields.Str()


def slug_of(**kwargs) -> fields.Pluck:
    """A related record, written as its slug (null when there is none)."""
    return fields.Pluck(Slug, "slug", allow_none=True, **kwargs)


def slug_list() -> fields.Pluck:
    return fields.Pluck(Slug, "slug", many=True)


class Timestamps(ma.Schema):
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


# Reads ---------------------------------------------------------------------

class IndustrySchema(ma.Schema):
    id = fields.Int()
    slug = fields.Str()
    name = fields.Str()
    name_zh = fields.Str()
    description = fields.Str()
    description_zh = fields.Str()


class ScenarioSchema(ma.Schema):
    id = fields.Int()
    slug = fields.Str()
    name = fields.Str()
    name_zh = fields.Str()
    industry = slug_of(metadata={"description": "Industry slug; null for cross-industry scenarios."})
    description = fields.Str()
    technologies = fields.List(fields.Str())


class StandardSchema(ma.Schema):
    id = fields.Int()
    slug = fields.Str()
    number = fields.Str()
    title = fields.Str()
    issuer = fields.Str()
    industries = slug_list()
    scenarios = slug_list()


class ProviderSchema(Timestamps):
    id = fields.Int()
    slug = fields.Str()
    name = fields.Str()
    description = fields.Str()
    region = fields.Str()
    size = fields.Enum(OrgSize, by_value=True, allow_none=True)
    website = fields.Str(allow_none=True)
    founded = fields.Int(allow_none=True)
    industries = slug_list()


class SolutionSchema(Timestamps):
    id = fields.Int()
    slug = fields.Str()
    provider = slug_of()
    title = fields.Str()
    summary = fields.Str()
    description = fields.Str()
    industries = slug_list()
    scenarios = slug_list()
    capabilities = fields.List(fields.Str())
    deployment = fields.Enum(Deployment, by_value=True, allow_none=True)
    price_min = fields.Int(allow_none=True)
    price_max = fields.Int(allow_none=True)


class ProductSchema(Timestamps):
    id = fields.Int()
    slug = fields.Str()
    provider = slug_of()
    name = fields.Str()
    category = slug_of(metadata={"description": "Product category slug; null when only category_label is known."})
    category_label = fields.Str()
    description = fields.Str()
    industries = slug_list()


class CaseSchema(Timestamps):
    id = fields.Int()
    slug = fields.Str()
    provider = slug_of()
    solution = slug_of()
    industry = slug_of()
    scenarios = slug_list()
    title = fields.Str()
    client = fields.Str()
    summary = fields.Str()
    results = fields.Str()
    year = fields.Int(allow_none=True)
    review_state = fields.Enum(CaseReviewState, by_value=True)
    exemplary = fields.Bool()

    @ma.pre_dump
    def shown_version(self, case, **_kwargs):
        """Readers who may not edit a case see its published version while a revision waits for review."""
        return case if can_edit_offer(actor(), case) else case.public


class NeedSchema(Timestamps):
    id = fields.Int()
    slug = fields.Str()
    organization = slug_of(metadata={"description": "The posting enterprise's slug."})
    title = fields.Str()
    description = fields.Str()
    industry = slug_of()
    scenarios = slug_list()
    region = fields.Str()
    budget_min = fields.Int(allow_none=True)
    budget_max = fields.Int(allow_none=True)
    deadline = fields.Date(allow_none=True)
    status = fields.Enum(NeedStatus, by_value=True)


# Writes (partial for PATCH: only the fields sent change) ---------------------

class NeedInSchema(ma.Schema):
    title = string(300, required=True)
    description = string(20000, required=True)
    industry = string(64, required=True, metadata={"description": "Industry slug."})
    scenarios = slugs(load_default=list)
    region = string(100, load_default="")
    budget_min = money()
    budget_max = money()
    deadline = fields.Date(allow_none=True)


class NeedCreateSchema(NeedInSchema):
    publish = fields.Bool(load_default=True, metadata={"description": "false: save as a draft."})


class NeedUpdateSchema(NeedInSchema):
    status = fields.Enum(NeedStatus, by_value=True, metadata={
        "description": "Move the need: draft → open → matched → closed, or reopen it."})


class SolutionInSchema(ma.Schema):
    title = string(300, required=True)
    summary = string(2000, required=True)
    description = string(20000, required=True)
    industries = slugs(load_default=list)
    scenarios = slugs(load_default=list)
    capabilities = fields.List(string(200), validate=ma.validate.Length(max=50), load_default=list)
    deployment = fields.Enum(Deployment, by_value=True, allow_none=True)
    price_min = money()
    price_max = money()


class ProductInSchema(ma.Schema):
    name = string(300, required=True)
    category = string(80, allow_none=True, metadata={"description": "Product category slug."})
    category_label = string(200, load_default="")
    description = string(20000, required=True)
    industries = slugs(load_default=list)


class CaseInSchema(ma.Schema):
    title = string(300, required=True)
    client = string(300, required=True)
    industry = string(64, required=True, metadata={"description": "Industry slug."})
    scenarios = slugs(load_default=list)
    summary = string(20000, required=True)
    results = string(20000, required=True)
    year = fields.Int(allow_none=True, validate=ma.validate.Range(min=1950, max=2100))
    solution = string(160, allow_none=True, metadata={"description": "Slug of one of the provider's solutions."})


# Query arguments -------------------------------------------------------------

class NeedQuerySchema(ma.Schema):
    industry = string(64)
    region = string(100)
    q = string(200, metadata={"description": "Words in the title or description."})
    status = fields.Enum(NeedStatus, by_value=True, metadata={
        "description": "Default: open and matched. Drafts are listed only for their enterprise and officials."})


class SolutionQuerySchema(ma.Schema):
    industry = string(64)
    provider = string(120, metadata={"description": "Provider slug."})
    deployment = fields.Enum(Deployment, by_value=True)
    q = string(200)


class ProductQuerySchema(ma.Schema):
    industry = string(64)
    provider = string(120)
    category = string(80)
    q = string(200)


class ProviderQuerySchema(ma.Schema):
    industry = string(64)
    region = string(100)
    size = fields.Enum(OrgSize, by_value=True)
    q = string(200)


class CaseQuerySchema(ma.Schema):
    industry = string(64)
    exemplary = fields.Bool(load_default=False)


class StandardQuerySchema(ma.Schema):
    industry = string(64, metadata={"description": "Standards filed under this industry and cross-industry ones."})


class ProblemSchema(ma.Schema):
    """An error (RFC 9457 problem document)."""

    type = fields.Str(metadata={"description": "about:blank, or /api/v1/problems/validation for invalid fields."})
    title = fields.Str()
    status = fields.Int()
    detail = fields.Str()
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()),
                         metadata={"description": "Messages per field (dotted paths into the body or query)."})
