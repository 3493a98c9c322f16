(define (domain barman)
  (:requirements :strips :typing)
  (:types hand container dispenser beverage - object
          shot shaker - container
          ingredient cocktail - beverage)
  (:predicates (ontable ?c - container) (holding ?h - hand ?c - container) (handempty ?h - hand)
               (empty ?c - container) (contains ?c - container ?b - beverage) (clean ?c - container)
               (used ?c - container ?b - beverage) (dispenses ?d - dispenser ?i - ingredient)
               (shaked ?s - shaker) (unshaked ?s - shaker)
               (cocktail-part1 ?c - cocktail ?i - ingredient) (cocktail-part2 ?c - cocktail ?i - ingredient))
  (:action grasp
    :parameters (?h - hand ?c - container)
    :precondition (and (ontable ?c) (handempty ?h))
    :effect (and (not (ontable ?c)) (not (handempty ?h)) (holding ?h ?c)))
  (:action leave
    :parameters (?h - hand ?c - container)
    :precondition (holding ?h ?c)
    :effect (and (not (holding ?h ?c)) (handempty ?h) (ontable ?c)))
  (:action fill-shot
    :parameters (?s - shot ?i - ingredient ?h - hand ?d - dispenser)
    :precondition (and (holding ?h ?s) (empty ?s) (clean ?s) (dispenses ?d ?i))
    :effect (and (not (empty ?s)) (not (clean ?s)) (contains ?s ?i) (used ?s ?i)))
  (:action pour-shot-to-shaker
    :parameters (?s - shot ?i - ingredient ?k - shaker ?h - hand)
    :precondition (and (holding ?h ?s) (contains ?s ?i) (unshaked ?k))
    :effect (and (not (contains ?s ?i)) (empty ?s) (contains ?k ?i) (not (empty ?k))))
  (:action empty-shot
    :parameters (?h - hand ?s - shot ?b - beverage)
    :precondition (and (holding ?h ?s) (contains ?s ?b))
    :effect (and (not (contains ?s ?b)) (empty ?s)))
  (:action clean-shot
    :parameters (?s - shot ?b - beverage ?h - hand)
    :precondition (and (holding ?h ?s) (empty ?s) (used ?s ?b))
    :effect (and (not (used ?s ?b)) (clean ?s)))
  (:action shake
    :parameters (?c - cocktail ?i1 - ingredient ?i2 - ingredient ?k - shaker ?h - hand)
    :precondition (and (holding ?h ?k) (contains ?k ?i1) (contains ?k ?i2) (unshaked ?k)
                       (cocktail-part1 ?c ?i1) (cocktail-part2 ?c ?i2))
    :effect (and (not (unshaked ?k)) (shaked ?k) (not (contains ?k ?i1)) (not (contains ?k ?i2)) (contains ?k ?c)))
  (:action pour-shaker-to-shot
    :parameters (?c - cocktail ?s - shot ?h - hand ?k - shaker)
    :precondition (and (holding ?h ?k) (shaked ?k) (contains ?k ?c) (empty ?s) (clean ?s))
    :effect (and (not (empty ?s)) (not (clean ?s)) (contains ?s ?c) (used ?s ?c))))
