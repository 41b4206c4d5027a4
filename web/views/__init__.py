"""The pages that work on any form kind, by area. Every view reaches a form through
``core.pages.form_for_user`` and a department through ``core.pages.department_for_user``: what the user
may not see is a 404, never a 403 that confirms it exists. Pages only one kind has live in its app."""
