"""The pages of perfbudget, by area. Every view reaches a form through ``access.form_for_user`` and a
department through ``access.department_for_user``: what the user may not see is a 404, never a 403 that
confirms it exists."""
