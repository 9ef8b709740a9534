"""Reference values for nslab's mesh unit tests, computed by PyAutoArray itself.

Run with a Python that has autoarray installed (e.g. the parity venv):
    python tests/likelihoods/lens/mesh_reference_make.py > tests/likelihoods/lens/mesh_reference.json

Every input is stored in the JSON beside PyAutoArray's output, so the C++
tests need no random numbers of numpy's. Only PyAutoArray's public functions
and classes are called; no PyAutoArray code is copied here.
"""

import json
import sys

import numpy as np
import autoarray as aa
from autoarray.inversion.mesh.interpolator.delaunay import InterpolatorDelaunay
from autoarray.inversion.mesh.interpolator.rectangular import (
    adaptive_rectangular_mappings_weights_via_interpolation_from,
)
from autoarray.inversion.mesh.mesh_geometry.rectangular import rectangular_neighbors_from
from autoarray.inversion.regularization.constant import constant_regularization_matrix_from


def masked_grid(n, pixel_scale):
    mask = aa.Mask2D.circular(shape_native=(n, n), pixel_scales=pixel_scale, radius=3.5)
    return mask, np.asarray(aa.Grid2D.from_mask(mask=mask))


def ring_adapt(grid):
    """An analytic stand-in for a lensed source: an arc on an Einstein ring."""
    y, x = grid[:, 0], grid[:, 1]
    r = np.sqrt(y * y + x * x)
    return np.exp(-0.5 * ((r - 1.2) / 0.25) ** 2) * (1.0 + 0.5 * np.cos(np.arctan2(y, x)))


def hilbert_case(n, pixel_scale, pixels, every):
    mask, grid = masked_grid(n, pixel_scale)
    adapt = aa.Array2D(values=ring_adapt(grid), mask=mask)
    mesh = aa.image_mesh.Hilbert(pixels=pixels, weight_power=1.0, weight_floor=0.0)
    vertices = np.asarray(mesh.image_plane_mesh_grid_from(mask=mask, adapt_data=adapt))
    return {
        "grid_size": n,
        "pixel_scale": pixel_scale,
        "pixels": pixels,
        "circular_radius": float(mask.circular_radius),
        "every": every,
        "vertices_y": vertices[::every, 0].tolist(),
        "vertices_x": vertices[::every, 1].tolist(),
        "sum_y": float(vertices[:, 0].sum()),
        "sum_x": float(vertices[:, 1].sum()),
    }


class _Grid:
    """The two attributes PyAutoArray's Delaunay interpolator reads of a grid."""

    def __init__(self, values):
        self.array = values
        self.over_sampled = self

    @property
    def shape(self):
        return self.array.shape


def delaunay_case(rng):
    vertices = rng.uniform(-1.0, 1.0, size=(60, 2))
    vertices = vertices[np.hypot(vertices[:, 0], vertices[:, 1]) < 1.0]
    queries = rng.uniform(-1.3, 1.3, size=(300, 2))
    mesh = aa.mesh.Delaunay(pixels=len(vertices), areas_factor=0.5, zeroed_pixels=0)
    interpolator = InterpolatorDelaunay(
        mesh=mesh, mesh_grid=aa.Grid2DIrregular(vertices), data_grid=_Grid(queries)
    )
    mapper = aa.Mapper(interpolator=interpolator, regularization=aa.reg.ConstantSplit(coefficient=1.3))
    mappings, sizes, weights = interpolator._mappings_sizes_weights
    h = np.asarray(mapper.regularization_matrix)
    rows, cols = np.nonzero(h)
    return {
        "vertices_y": vertices[:, 0].tolist(),
        "vertices_x": vertices[:, 1].tolist(),
        "queries_y": queries[:, 0].tolist(),
        "queries_x": queries[:, 1].tolist(),
        "mappings": np.asarray(mappings).astype(int).tolist(),
        "weights": np.asarray(weights).tolist(),
        "coefficient": 1.3,
        "h_rows": rows.tolist(),
        "h_cols": cols.tolist(),
        "h_values": h[rows, cols].tolist(),
    }


def rectangular_case(rng):
    side = 12
    points = np.stack([rng.normal(0.1, 0.5, 150), rng.normal(-0.2, 0.8, 150)], axis=1)
    points[7] = points[3]  # exact ties in both coordinates
    points[11, 0] = points[5, 0]
    adapt = np.abs(rng.normal(0.0, 1.0, 150))
    adapt[:10] = 0.0  # clipped to 1e-12
    weight_map = aa.mesh.RectangularBilinearAdaptImage(
        shape=(side, side), weight_power=1.0, weight_floor=0.0
    ).mesh_weight_map_from(adapt_data=aa.Array2D.no_mask(values=adapt[None, :], pixel_scales=1.0))
    weight_map = np.asarray(weight_map).ravel()
    mappings, weights = adaptive_rectangular_mappings_weights_via_interpolation_from(
        source_grid_size=side,
        data_grid=points,
        data_grid_over_sampled=points,
        mesh_weight_map=weight_map,
        transform="rank",
    )
    neighbors, sizes = rectangular_neighbors_from(shape_native=(side, side))
    h = constant_regularization_matrix_from(
        coefficient=0.7, neighbors=neighbors.astype(int), neighbors_sizes=sizes.astype(int)
    )
    rows, cols = np.nonzero(h)
    return {
        "side": side,
        "points_y": points[:, 0].tolist(),
        "points_x": points[:, 1].tolist(),
        "adapt": adapt.tolist(),
        "weight_map": weight_map.tolist(),
        "mappings": np.asarray(mappings).astype(int).tolist(),
        "weights": np.asarray(weights).tolist(),
        "edge_pixels": aa.mesh.RectangularBilinearAdaptImage(shape=(side, side)).zeroed_pixels.tolist(),
        "coefficient": 0.7,
        "h_rows": rows.tolist(),
        "h_cols": cols.tolist(),
        "h_values": h[rows, cols].tolist(),
    }


def border_case(rng):
    mask, grid = masked_grid(29, 0.25)
    y, x = grid[:, 0], grid[:, 1]
    r = np.sqrt(y * y + x * x) + 1e-9
    # An elliptical SIS-like deflection plus a shift: the traced border is an
    # ellipse-ish curve and the demagnified centre sprays points outside it.
    traced = np.stack([y - 1.1 * y / r * 1.3 + 0.05, x - 1.1 * x / r * 0.8 - 0.1], axis=1)
    relocator = aa.BorderRelocator(mask=mask, sub_size=1)
    relocated = np.asarray(
        relocator.relocated_grid_from(grid=aa.Grid2D(values=traced, mask=mask, over_sample_size=1))
    )
    mesh_points = rng.uniform(-3.0, 3.0, size=(50, 2))
    relocated_mesh = np.asarray(
        relocator.relocated_mesh_grid_from(
            grid=aa.Grid2D(values=traced, mask=mask, over_sample_size=1),
            mesh_grid=aa.Grid2DIrregular(mesh_points),
        )
    )
    moved = np.nonzero(np.any(relocated != traced, axis=1))[0]
    return {
        "grid_size": 29,
        "pixel_scale": 0.25,
        "border_slim": np.asarray(mask.derive_indexes.border_slim).tolist(),
        "traced_y": traced[:, 0].tolist(),
        "traced_x": traced[:, 1].tolist(),
        "moved": moved.tolist(),
        "relocated_y": relocated[moved, 0].tolist(),
        "relocated_x": relocated[moved, 1].tolist(),
        "mesh_y": mesh_points[:, 0].tolist(),
        "mesh_x": mesh_points[:, 1].tolist(),
        "relocated_mesh_y": relocated_mesh[:, 0].tolist(),
        "relocated_mesh_x": relocated_mesh[:, 1].tolist(),
    }


def main():
    rng = np.random.default_rng(20261126)
    out = {
        "generator": "tests/likelihoods/lens/mesh_reference_make.py",
        "autoarray_version": aa.__version__,
        "hilbert_ci": hilbert_case(29, 0.25, 300, 1),
        "hilbert_hst": hilbert_case(141, 0.05, 1500, 7),
        "delaunay": delaunay_case(rng),
        "rectangular": rectangular_case(rng),
        "border": border_case(rng),
    }
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
