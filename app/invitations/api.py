"""JSON routes: invite someone by email, and ask for a password-reset link."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.deps import CurrentActor, SessionDep, client_address
from app.invitations import service
from app.invitations.schemas import InvitationCreate, PasswordResetAccepted, PasswordResetCreate
from app.openapi_errors import errors
from app.users import service as user_service
from app.users.schemas import UserRead

router = APIRouter(prefix="/api/v1", tags=["invitations"])

RESET_ANSWER = (
    "If an account exists for that address, we have sent a link to reset its password. "
    "The link works once and expires."
)


@router.post(
    "/invitations", status_code=201, response_model=UserRead, responses=errors(401, 403, 409, 422)
)
def invite(body: InvitationCreate, session: SessionDep, actor: CurrentActor) -> UserRead:
    """Administrators invite anyone; a PCT lead invites clinicians and board members of its
    own PCT. The account stays inactive until the mailed link sets its password; inviting an
    address whose invitation waits sends a new link (the old one stops working)."""
    user = service.invite(
        session,
        actor,
        email=body.email,
        full_name=body.full_name,
        role=body.role,
        organisation_code=body.organisation_code,
        job_title=body.job_title,
    )
    assert user.id is not None
    return UserRead(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        job_title=user.job_title,
        role=user.role,
        organisation_code=user_service.organisation_code(session, user),
        is_active=user.is_active,
        version=user.version,
    )


@router.post(
    "/password-resets",
    status_code=202,
    response_model=PasswordResetAccepted,
    responses={
        422: {"description": "Not an email address"},
        429: {"description": "Too many requests from this client; wait and try again"},
    },
)
def request_password_reset(
    request: Request, body: PasswordResetCreate, session: SessionDep
) -> PasswordResetAccepted:
    """Ask for a password-reset link by email. The answer is the same whether or not the
    address has an account; a link is mailed only to an active account's own address."""
    service.request_password_reset(session, email=body.email, address=client_address(request))
    return PasswordResetAccepted(detail=RESET_ANSWER)
