"""``/api/v1/id-tags``: the organisation's authorization list."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request
from quart_schema import document_response, validate_querystring, validate_request

from capacitor_edge.api import responses as r
from capacitor_edge.api.authorization_models import IdTagImport
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import CreateIdTag, PageQuery, PatchIdTag
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.id_tags import IdTagRecord, IdTags


def present(record: IdTagRecord) -> r.IdTag:
    return r.IdTag(
        idTag=record.id_tag,
        expiryDate=record.expiry_date,
        parentIdTag=record.parent_id_tag,
        blocked=record.blocked,
        createdAt=record.created_at,
        updatedAt=record.updated_at,
    )


def id_tags_blueprint(id_tags: IdTags) -> Blueprint:
    bp = Blueprint("id_tags", __name__)

    @bp.post("/id-tags")
    @returns(r.IdTag, 201)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 409)
    @validate_request(CreateIdTag)
    async def create_id_tag(data: CreateIdTag) -> Any:
        """Add an idTag to the authorization list."""
        record = await id_tags.create(
            principal().org_id,
            data.idTag,
            expiry_date=data.expiryDate,
            parent_id_tag=data.parentIdTag,
            blocked=data.blocked,
        )
        return present(record), 201

    @bp.get("/id-tags")
    @returns(r.IdTagList)
    @validate_querystring(PageQuery)
    async def list_id_tags(query_args: PageQuery) -> Any:
        """The authorization list, by idTag."""
        records, total = await id_tags.page(principal().org_id, query_args.limit, query_args.offset)
        return r.IdTagList(
            idTags=[present(record) for record in records],
            pagination=r.Pagination(total=total, limit=query_args.limit, offset=query_args.offset),
        )

    @bp.get("/id-tags.csv")
    async def export_id_tags() -> Any:
        """The whole list as CSV (idTag, parentIdTag, expiryDate, blocked), by idTag; what
        POST /id-tags.csv reads back."""
        text = await id_tags.export_csv(principal().org_id)
        return Response(
            text,
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="id-tags.csv"'},
        )

    @bp.post("/id-tags.csv")
    @returns(IdTagImport)
    @document_response(r.ErrorBody, 400)
    async def import_id_tags() -> Any:
        """Create or replace the tags of a CSV body (the export's columns; a header line
        first, idTag required; blocked true/false). All or nothing: a bad line is a 400
        naming it and nothing is stored. Tags not in the file are left as they are."""
        raw = await request.get_data(cache=False, as_text=False)
        assert isinstance(raw, bytes)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid("body", "is not UTF-8 text") from None
        count = await id_tags.import_csv(principal().org_id, text)
        return IdTagImport(
            message=f"{count.created} created, {count.updated} updated",
            created=count.created,
            updated=count.updated,
        )

    @bp.get("/id-tags/<id_tag>")
    @returns(r.IdTag)
    @document_response(r.ErrorBody, 404)
    async def get_id_tag(id_tag: str) -> Any:
        return present(await id_tags.get(principal().org_id, id_tag))

    @bp.patch("/id-tags/<id_tag>")
    @returns(r.IdTag)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 404)
    @validate_request(PatchIdTag)
    async def patch_id_tag(id_tag: str, data: PatchIdTag) -> Any:
        """Change expiryDate, parentIdTag or blocked; fields left out stay as they are."""
        changes = {name: getattr(data, name) for name in data.model_fields_set}
        return present(await id_tags.update(principal().org_id, id_tag, changes))

    @bp.delete("/id-tags/<id_tag>")
    @returns(r.IdTagDeleted)
    @document_response(r.ErrorBody, 404)
    async def delete_id_tag(id_tag: str) -> Any:
        await id_tags.delete(principal().org_id, id_tag)
        return r.IdTagDeleted(message="idTag deleted successfully", idTag=id_tag)

    return bp
