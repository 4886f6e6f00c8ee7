"""Text that no form may carry: a NUL character is refused before any view runs."""

from __future__ import annotations

from sqlalchemy import func, select

from lookup_site.models import Product


def test_a_nul_character_in_a_form_is_refused_and_nothing_is_saved(client, db, producer_user):
    response = client.post(
        "/producer/products/new?lang=en",
        data={"name_vi": "Nước mắm\x00", "name_en": "Fish sauce", "ocop_group": "food"},
    )
    assert response.status_code == 400
    assert "invisible control character (NUL)" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Product.id))) == 0
