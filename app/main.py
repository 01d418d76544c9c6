"""The application factory: routers, middleware, error handlers and start-up checks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app import api_docs
from app import storage as file_store
from app.admin import pages as admin_pages
from app.admin import user_pages as admin_user_pages
from app.assessments import api as assessments_api
from app.assessments import decision_pages, provisional_pages, signing_pages
from app.assessments import pages as assessment_pages
from app.audit import api as audit_api
from app.audit import pages as audit_pages
from app.auth import api as auth_api
from app.auth import form_keeping
from app.auth import pages as auth_pages
from app.body_limits import BodyLimitMiddleware
from app.comparison import api as comparison_api
from app.comparison import pages as comparison_pages
from app.config import BASE_DIR, get_settings
from app.csrf import CSRFMiddleware
from app.cycles import api as cycles_api
from app.db import SESSION_SLOTS, session_slots
from app.development import api as development_api
from app.development import pages as development_pages
from app.engagement import api as engagement_api
from app.engagement import pages as engagement_pages
from app.errors import DomainError
from app.evidence import api as evidence_api
from app.evidence import pages as evidence_pages
from app.evidence import storage
from app.framework import api as framework_api
from app.framework import service as framework_service
from app.governance import api as governance_api
from app.governance import pages as governance_pages
from app.health import router as health_router
from app.home import pages as home_pages
from app.invitations import api as invitations_api
from app.invitations import pages as invitation_pages
from app.mail import pages as mail_pages
from app.mail import worker as mail_worker
from app.organisations import api as organisations_api
from app.outcomes import api as outcomes_api
from app.outcomes import pages as outcome_pages
from app.panel import api as panel_api
from app.panel import pages as panel_pages
from app.pbc import api as pbc_api
from app.pbc import pages as pbc_pages
from app.region import pages as region_pages
from app.reports import api as reports_api
from app.reports import pool as report_pool
from app.security_headers import SecurityHeadersMiddleware
from app.threads import api as threads_api
from app.threads import pages as thread_pages
from app.users import api as users_api
from app.web import (
    NHSUK_FRONTEND_VERSION,
    SignInRequired,
    is_fragment_request,
    login_url,
    remember_actor_for_error_page,
    render,
)

log = logging.getLogger(__name__)
NHSUK_ASSETS = f"static/vendor/nhsuk-frontend-{NHSUK_FRONTEND_VERSION}/assets"


def _check_file_store() -> None:
    """Make the folder or bucket if it is new; a store that is down now is only reported
    (uploads and downloads answer 503 until it is back)."""
    store = file_store.current()
    try:
        store.prepare()
    except file_store.StorageUnavailable as exc:
        log.warning("file storage: %s cannot be used: %s", store.describe(), exc.reason)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # A bad framework file raises FrameworkError here and stops start-up.
    app.state.frameworks = framework_service.loaded_frameworks()
    storage.clean_temp()
    await asyncio.to_thread(_check_file_store)
    setattr(app.state, SESSION_SLOTS, session_slots())
    # The outbox delivered from this process when set up so (app.mail.worker).
    embedded_mail = mail_worker.start_embedded()
    yield
    if embedded_mail is not None:
        embedded_mail.stop()
    report_pool.shutdown()


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/healthz", "/readyz", "/openapi.json"))


async def _html_error(request: Request, status_code: int, detail: object) -> Response:
    """An error on a page: the NHS error page, or for htmx a message in the flash area."""
    if status_code == 401:
        return _sign_in_redirect(request, request.url.path)
    if is_fragment_request(request):
        response = render(
            request,
            "components/_error_flash.html",
            {"status_code": status_code, "detail": detail},
            status_code=status_code,
        )
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    if status_code == 404:
        # "Page not found" inside the layout, with the signed-in user's navigation even at
        # an address no route answers; never the technical detail.
        await remember_actor_for_error_page(request)
        return render(request, "errors/not_found.html", status_code=404)
    return render(
        request,
        "errors/error.html",
        {"status_code": status_code, "detail": detail},
        status_code=status_code,
    )


def _sign_in_redirect(request: Request, next_url: str) -> Response:
    url = login_url(next_url)
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    """Send the visitor to sign in, then back. A form posted after the session ended is kept
    for its sender (app.auth.form_keeping), who comes back to the page the form was on."""
    assert isinstance(exc, SignInRequired)
    if request.method != "POST":
        return _sign_in_redirect(request, exc.next_url)
    token = None
    if exc.session is not None:
        token = await form_keeping.keep_typed_work(request, exc.session)
    response = _sign_in_redirect(request, form_keeping.form_page_url(request))
    return form_keeping.remember_kept_form(response, token) if token else response


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if _wants_html(request):
        return await _html_error(request, exc.status_code, exc.detail)
    body: dict[str, object] = {"detail": exc.detail}
    if exc.field:
        body["field"] = exc.field
    missing = exc.extra.get("missing")
    if missing:
        body["missing"] = missing
    return JSONResponse(body, status_code=exc.status_code)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _wants_html(request):
        return await _html_error(request, exc.status_code, exc.detail)
    return JSONResponse(
        {"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _wants_html(request):
        # A page address with an id that cannot exist, or a form the page never sends: say
        # so in words, never with the validator's list.
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return await _html_error(request, 404, "There is no page at this address.")
        detail = "The form could not be read. Go back, check what you entered and try again."
        return await _html_error(request, 422, detail)
    errors = [
        {key: value for key, value in error.items() if key in {"loc", "msg", "type"}}
        for error in exc.errors()
    ]
    for error in errors:
        # A rule of ours speaks for itself: without the validator's "Value error, " prefix.
        if error.get("type") == "value_error":
            error["msg"] = str(error["msg"]).removeprefix("Value error, ")
    return JSONResponse({"detail": errors}, status_code=422)


async def _stale_write(request: Request, exc: Exception) -> Response:
    """Two writers raced for one row: the loser hears so instead of overwriting."""
    detail = "Someone else changed this at the same moment; reload and try again"
    return JSONResponse({"detail": detail}, status_code=409)


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    """The database cannot be reached: say so (503) instead of failing; the connection pool
    reconnects by itself once it is back (pre-ping)."""
    detail = "The database is unavailable at the moment; try again shortly"
    if _wants_html(request):
        return await _html_error(request, 503, detail)
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "5"})


async def _unstorable_value(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (such as a NUL character in text): the caller's input
    is at fault, so 422, never a 500."""
    detail = "The request holds a value that cannot be stored (for example a NUL character)"
    if _wants_html(request):
        return await _html_error(request, 422, detail)
    return JSONResponse({"detail": detail}, status_code=422)


async def _integrity_error(request: Request, exc: Exception) -> Response:
    detail = "That conflicts with data saved at the same moment; reload and try again"
    return JSONResponse({"detail": detail}, status_code=409)


def create_app() -> FastAPI:
    app = FastAPI(
        title="WCC Assurance Tracker",
        version="0.1.0",
        summary="World Class Commissioning self-assessment, evidence, sign-off and SHA review.",
        lifespan=lifespan,
        # Served by app.api_docs from this service's own files, not from a CDN.
        docs_url=None,
        redoc_url=None,
    )

    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(CSRFMiddleware)
    hosts = [host.strip() for host in get_settings().allowed_hosts.split(",") if host.strip()]
    if hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts, www_redirect=False)
    # Outside the CSRF check, which reads a form's body to find its token.
    app.add_middleware(BodyLimitMiddleware)
    # Outermost, so that refusals from the CSRF check carry the headers too.
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_exception_handler(StaleDataError, _stale_write)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(DataError, _unstorable_value)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.mount("/static", StaticFiles(directory=BASE_DIR / "static"), name="static")
    # The NHS.UK frontend stylesheet refers to its icons at /assets/images/...
    app.mount("/assets", StaticFiles(directory=BASE_DIR / NHSUK_ASSETS), name="assets")
    app.include_router(health_router)
    app.include_router(api_docs.router)
    for router in (
        auth_api.router,
        users_api.router,
        invitations_api.router,
        framework_api.router,
        organisations_api.router,
        cycles_api.router,
        assessments_api.router,
        governance_api.router,
        threads_api.router,
        panel_api.router,
        development_api.router,
        engagement_api.router,
        pbc_api.router,
        comparison_api.router,
        outcomes_api.router,
        evidence_api.router,
        audit_api.router,
        reports_api.router,
    ):
        app.include_router(router)
    for pages in (
        auth_pages,
        invitation_pages,
        home_pages,
        assessment_pages,
        signing_pages,
        decision_pages,
        provisional_pages,
        panel_pages,
        governance_pages,
        thread_pages,
        outcome_pages,
        evidence_pages,
        admin_pages,
        admin_user_pages,
        mail_pages,
        region_pages,
        development_pages,
        engagement_pages,
        pbc_pages,
        comparison_pages,
        audit_pages,
    ):
        app.include_router(pages.router)
    return app
