"""WTForms forms with French messages; views re-render them with status 422 when invalid."""

# An invalid form gets 422 Unprocessable Content, with the same form
# re-rendered and its errors: htmx is configured (layouts/base.html) to swap
# 422 responses, and a browser without JavaScript shows the page as usual.
INVALID_FORM_STATUS = 422
