"""The LTI 1.3 tool: OIDC login, strict launch validation, keys, roles, identity
and server-side launch sessions. Built on PyJWT; see DESIGN.md section 8."""
