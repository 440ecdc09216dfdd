"""/api/v1/products: providers' technical product inventory; written by the provider's members (and officials)."""
from app.api.common import ApiBlueprint, page_of, path_slug, resolve, writer
from app.api.schemas import ProductInSchema, ProductQuerySchema, ProductSchema
from app.models import Product
from app.services import directory, offers

blp = ApiBlueprint("api_products", __name__, url_prefix="/api/v1/products",
                   description="Products in providers' technical inventories.")


@blp.route("", methods=["GET"])
@blp.etag
@blp.arguments(ProductQuerySchema, location="query")
@blp.response(200, ProductSchema(many=True))
@blp.paginate()
def list_products(args, pagination_parameters):
    """List live products by name, filtered by industry, provider, category and words."""
    return page_of(directory.products_query(**args), pagination_parameters)


@blp.route("", methods=["POST"])
@blp.writes
@blp.arguments(ProductInSchema)
@blp.response(201, ProductSchema)
def create_product(data):
    """Add a product to the token user's provider's inventory (write scope)."""
    user = writer()
    return offers.create_product(user, **resolve(data, "category", directory.product_category))


@blp.route("/<slug>", methods=["GET"])
@blp.etag
@blp.response(200, ProductSchema)
def get_product(slug):
    """One product."""
    return directory.product(path_slug(slug))


@blp.route("/<slug>", methods=["PATCH"])
@blp.writes
@blp.arguments(ProductInSchema(partial=True))
@blp.response(200, ProductSchema)
def update_product(data, slug):
    """Change a product's fields (its provider's members and officials)."""
    user = writer()
    product = directory.editable(user, Product, path_slug(slug))
    return offers.update_product(user, product, **resolve(data, "category", directory.product_category))


@blp.route("/<slug>", methods=["DELETE"])
@blp.writes
@blp.response(204)
def delete_product(slug):
    """Remove a product from the inventory."""
    user = writer()
    offers.delete_product(user, directory.editable(user, Product, path_slug(slug)))
