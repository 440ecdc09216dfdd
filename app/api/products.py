"""/api/v1/products: providers' technical product inventory; written by the provider's members (and officials)."""
from app.api.common import ApiBlueprint, resolve
from app.api.routes import register_reads, register_writes
from app.api.schemas import ProductInSchema, ProductQuerySchema, ProductSchema
from app.models import Product
from app.services import directory, offers

blp = ApiBlueprint("api_products", __name__, url_prefix="/api/v1/products",
                   description="Products in providers' technical inventories.")

register_reads(blp, ProductSchema, noun="products", filters=ProductQuerySchema,
               listing=lambda _actor, **filters: directory.products_query(**filters),
               detail=lambda _actor, slug: directory.product(slug),
               list_doc="List live products by name, filtered by industry, provider, category and words.",
               detail_doc="One product.")
register_writes(blp, ProductSchema, ProductInSchema, noun="product", model=Product,
                create=offers.create_product, update=offers.update_product, delete=offers.delete_product,
                prepare=lambda data: resolve(data, "category", directory.product_category), docs=(
                    "Add a product to the token user's provider's inventory (write scope); `category` is a slug.",
                    "Change a product's fields (its provider's members and officials).",
                    "Remove a product from the inventory."))
